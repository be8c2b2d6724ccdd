using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Reputation-weighted median of review scores, with Yuma-style clipping: a review farther than the clipping distance
/// from the median gets no weight in the verdict and no agreement. Pure and exact (decimal weights), so it is invariant
/// under any permutation of the reviews, bounded by their min and max, and unmoved by reviews holding less than half
/// of the weight.
/// </summary>
public static class Consensus
{
    public sealed record Review(string Validator, int Score, string Verdict, decimal Weight);

    public sealed record Result(int Score, string Verdict, IReadOnlyList<ScoredReview> Reviews);

    public const string Accept = "accept";
    public const string Reject = "reject";

    public static Result Compute(IReadOnlyList<Review> reviews, int clipDistance)
    {
        if (reviews.Count == 0)
            throw new ArgumentException("a consensus needs at least one review", nameof(reviews));
        var median = WeightedMedian(reviews);
        decimal accept = 0, reject = 0;
        var scored = new List<ScoredReview>(reviews.Count);
        foreach (var review in reviews.OrderBy(r => r.Validator, StringComparer.Ordinal))
        {
            var clipped = Math.Abs(review.Score - median) > clipDistance;
            if (!clipped)
            {
                if (review.Verdict == Reject)
                    reject += review.Weight;
                else
                    accept += review.Weight;
            }
            scored.Add(new ScoredReview(review.Validator, review.Score, review.Verdict, review.Weight, clipped,
                Agreement(review.Score, median, clipDistance)));
        }
        return new Result(median, reject > accept ? Reject : Accept, scored);
    }

    /// <summary>
    /// The lower weighted median: the least score s such that the reviews at or below s hold at least half the weight.
    /// With no weight at all (every weight zero), each review counts as one.
    /// </summary>
    public static int WeightedMedian(IReadOnlyList<Review> reviews)
    {
        var total = reviews.Sum(r => r.Weight);
        var equal = total <= 0;
        if (equal)
            total = reviews.Count;
        decimal cumulative = 0;
        foreach (var group in reviews.GroupBy(r => r.Score).OrderBy(g => g.Key))
        {
            cumulative += equal ? group.Count() : group.Sum(r => r.Weight);
            if (2 * cumulative >= total)
                return group.Key;
        }
        return reviews.Max(r => r.Score);
    }

    /// <summary>
    /// How close a score is to the consensus: 1 at the consensus, falling linearly to 0 at the clipping distance.
    /// </summary>
    public static decimal Agreement(int score, int consensus, int clipDistance)
    {
        var distance = Math.Abs(score - consensus);
        if (clipDistance == 0)
            return distance == 0 ? 1m : 0m;
        return Math.Round(Math.Max(0m, 1m - (decimal)distance / clipDistance), 6, MidpointRounding.AwayFromZero);
    }

    /// <summary>The reputation after an exponential moving average step toward <paramref name="agreement"/>.</summary>
    public static decimal NextReputation(decimal previous, decimal agreement, ScoringPolicyPublished policy) =>
        Math.Max(policy.ReputationFloor,
            Math.Round(previous * (1 - policy.ReputationRate) + agreement * policy.ReputationRate, 6, MidpointRounding.AwayFromZero));
}
