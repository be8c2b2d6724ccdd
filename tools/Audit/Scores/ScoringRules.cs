namespace CommunityAI.Audit.Scores;

/// <summary>
/// The published scoring rules (ScoreComponents, ScoredReview in contracts/CommunityAI.Contracts), written again from
/// their description rather than taken from quality-scoring: if the service and this file disagree, one of them does
/// not do what the contract says, and the audit should say so.
/// </summary>
internal static class ScoringRules
{
    public const string Accept = "accept";
    public const string Reject = "reject";
    public const string ExactDuplicate = "exact-duplicate";
    public const string NearDuplicate = "near-duplicate";
    public const string NoValidators = "no-validators";
    public const string NoQuorum = "no-quorum";
    public const string RejectedByConsensus = "rejected-by-consensus";

    /// <summary>
    /// Lower weighted median: the least score s such that the reviews scoring at most s hold at least half the total
    /// weight. When the total weight is zero every review counts as one.
    /// </summary>
    public static int WeightedMedian(IReadOnlyList<(int Score, decimal Weight)> reviews)
    {
        var total = reviews.Sum(r => r.Weight);
        var unweighted = total <= 0;
        if (unweighted)
            total = reviews.Count;
        decimal below = 0;
        foreach (var score in reviews.Select(r => r.Score).Distinct().Order())
        {
            below += reviews.Where(r => r.Score == score).Sum(r => unweighted ? 1 : r.Weight);
            if (below * 2 >= total)
                return score;
        }
        return reviews.Max(r => r.Score);
    }

    /// <summary>Clipped reviews lie farther than the clipping distance from the median and have no say in the verdict.</summary>
    public static bool Clipped(int score, int median, int clipDistance) => Math.Abs(score - median) > clipDistance;

    /// <summary>Reject only when the unclipped reject weight is larger than the unclipped accept weight: a tie accepts.</summary>
    public static string Verdict(IEnumerable<(string Verdict, decimal Weight, bool Clipped)> reviews)
    {
        decimal accept = 0, reject = 0;
        foreach (var review in reviews.Where(r => !r.Clipped))
        {
            if (review.Verdict == Reject)
                reject += review.Weight;
            else
                accept += review.Weight;
        }
        return reject > accept ? Reject : Accept;
    }

    /// <summary>(w · automated + (100 − w) · consensus + 50) / 100 in integer arithmetic, 0 when the consensus rejects.</summary>
    public static int Final(int automatedWeight, int automated, int consensus, string verdict) =>
        verdict == Reject ? 0 : (automatedWeight * automated + (100 - automatedWeight) * consensus + 50) / 100;

    /// <summary>ReputationChanged's agreement: round(max(0, 1 − |score − consensus| / clip), 6); with no clipping distance, 1 at the consensus and 0 elsewhere.</summary>
    public static decimal Agreement(int score, int consensus, int clipDistance)
    {
        var distance = Math.Abs(score - consensus);
        if (clipDistance == 0)
            return distance == 0 ? 1m : 0m;
        return Math.Round(Math.Max(0m, 1m - (decimal)distance / clipDistance), 6, MidpointRounding.AwayFromZero);
    }

    /// <summary>ReputationChanged's next: max(floor, round(previous · (1 − rate) + agreement · rate, 6)), half away from zero.</summary>
    public static decimal NextReputation(decimal previous, decimal agreement, decimal rate, decimal floor) =>
        Math.Max(floor, Math.Round(previous * (1 - rate) + agreement * rate, 6, MidpointRounding.AwayFromZero));
}
