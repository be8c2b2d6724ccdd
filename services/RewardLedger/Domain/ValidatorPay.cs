using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// Splitting a case's validator pool among its reviewers, as a pure function of the stored <see cref="ContributionScored"/>
/// (rule in <see cref="ValidatorsRewarded"/>). Yuma-style: a review pays in proportion to the weight the consensus gave it
/// (the validator's reputation) times how close it came (<see cref="ScoredReview.Agreement"/>), and a review the
/// consensus clipped pays nothing. Weighing closeness is what makes inflating a friend's work just inside the clip cost
/// the inflating reviewer its pay on that case; with reputation alone it cost only a slow drift of reputation. The
/// scoring service records each review's agreement in the event, so every line is still derivable from the one event.
/// </summary>
public static class ValidatorPay
{
    /// <summary>Reputation times agreement (each 0–1, six decimals) becomes an integer weight in millionths, truncated.</summary>
    public const long WeightScale = 1_000_000;

    /// <summary>The pool's lines: one per validator with a share above zero, in ordinal order of address; they add up to the pool.</summary>
    /// <param name="pool">What the case's validators share (<see cref="RewardPolicy.ValidatorPoolFor"/>), zero or more.</param>
    /// <param name="reviews">The reviews the consensus used, as <see cref="ContributionScored.Reviews"/> records them.</param>
    /// <exception cref="FormatException">A review names no valid address or has a negative reputation or an agreement outside 0–1: a damaged history.</exception>
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

    /// <summary>
    /// A review's weight: reputation · agreement in millionths (truncated), 0 when clipped. A review recorded before
    /// agreements were (contracts 1.15) counts agreement 1, so older histories pay as they were paid.
    /// </summary>
    public static long WeightOf(ScoredReview review)
    {
        if (review.Clipped)
            return 0;
        if (review.Reputation < 0)
            throw new FormatException($"the review of {review.Validator} has a negative reputation {review.Reputation}");
        if (review.Agreement is < 0 or > 1)
            throw new FormatException($"the review of {review.Validator} has an agreement {review.Agreement} outside 0–1");
        return checked((long)decimal.Floor(review.Reputation * (review.Agreement ?? 1m) * WeightScale));
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
