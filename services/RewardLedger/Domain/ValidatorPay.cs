using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// Splitting a case's validator pool among its reviewers, as a pure function of the stored <see cref="ContributionScored"/>
/// (rule in <see cref="ValidatorsRewarded"/>). Yuma-style: a review pays in proportion to the weight the consensus gave it
/// (the validator's reputation), and a review the consensus clipped pays nothing. Finer agreement (how close an
/// unclipped score came) is not weighed here: it already moves the reputation, which is the weight of every later review,
/// and keeping it out keeps every line derivable from the one event, without the scoring policy's clipping distance.
/// </summary>
public static class ValidatorPay
{
    /// <summary>Reputations (0–1, six decimals) become integer weights in millionths, truncated.</summary>
    public const long WeightScale = 1_000_000;

    /// <summary>The pool's lines: one per validator with a share above zero, in ordinal order of address; they add up to the pool.</summary>
    /// <param name="pool">What the case's validators share (<see cref="RewardPolicy.ValidatorPoolFor"/>), zero or more.</param>
    /// <param name="reviews">The reviews the consensus used, as <see cref="ContributionScored.Reviews"/> records them.</param>
    /// <exception cref="FormatException">A review names no valid address or has a negative reputation: a damaged history.</exception>
    public static (long TotalWeight, IReadOnlyList<ValidatorReward> Lines) Divide(BigInteger pool, IReadOnlyList<ScoredReview> reviews)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pool);
        var unclipped = reviews.Where(r => !r.Clipped).ToList();
        var weights = Sum(unclipped, WeightOf);
        var total = weights.Values.Aggregate(0L, (s, w) => checked(s + w));
        if (total == 0)
        {
            // Every unclipped reviewer has a reputation below a millionth: as in the weighted median, each counts as one.
            weights = Sum(unclipped, _ => 1);
            total = weights.Values.Aggregate(0L, (s, w) => checked(s + w));
        }
        if (total == 0 || pool.IsZero)
            return (total, []);

        var shares = weights.ToDictionary(w => w.Key, w => BigInteger.DivRem(pool * w.Value, total), StringComparer.Ordinal);
        var left = pool - shares.Values.Aggregate(BigInteger.Zero, (s, q) => s + q.Quotient);
        // Largest remainder: what flooring left (fewer units than reviewers) goes one unit each to the largest remainders,
        // ties to the lower address; every one of them has a remainder above zero, so a weight of zero never gets a unit.
        var bonus = shares.OrderByDescending(s => s.Value.Remainder).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Take((int)left).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var lines = shares
            .Select(s => (Validator: s.Key, Amount: s.Value.Quotient + (bonus.Contains(s.Key) ? 1 : 0)))
            .Where(s => s.Amount > 0)
            .OrderBy(s => s.Validator, StringComparer.Ordinal)
            .Select(s => new ValidatorReward(s.Validator, weights[s.Validator], TokenAmount.Format(s.Amount)))
            .ToList();
        return (total, lines);
    }

    /// <summary>A review's weight: its reputation in millionths (truncated), 0 when clipped.</summary>
    public static long WeightOf(ScoredReview review)
    {
        if (review.Clipped)
            return 0;
        if (review.Reputation < 0)
            throw new FormatException($"the review of {review.Validator} has a negative reputation {review.Reputation}");
        return checked((long)decimal.Floor(review.Reputation * WeightScale));
    }

    // One entry per address (EIP-55): a validator's reviews of one case, should there be several, add up.
    private static Dictionary<string, long> Sum(IEnumerable<ScoredReview> reviews, Func<ScoredReview, long> weight)
    {
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var review in reviews)
        {
            var address = Address.Parse(review.Validator);
            sums[address] = checked(sums.GetValueOrDefault(address) + weight(review));
        }
        return sums;
    }
}
