using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// Splitting a snapshot's payment, as a pure function: each contributor receives floor(amount × weight / total weight),
/// where weight is the sum of the scores of their members in the snapshot; the treasury receives what rounding leaves
/// (less than one base unit per contributor), or everything when nothing can be split. The lines add up to the amount
/// exactly, in integers, so the split never creates or loses a base unit.
/// </summary>
public static class RevenueSharing
{
    public const string Split = "split";
    public const string UnknownSnapshot = "unknown-snapshot";
    public const string NoScores = "no-scores";
    public const string ContributorRole = "contributor";
    public const string TreasuryRole = "treasury";

    /// <param name="amount">The payment, more than zero.</param>
    /// <param name="weights">Per contributor address, the sum of their members' scores; null when the snapshot is unknown.</param>
    /// <param name="treasury">Receives the remainder.</param>
    public static (string Outcome, long TotalWeight, IReadOnlyList<RevenueShare> Lines) Divide(
        BigInteger amount, IReadOnlyDictionary<string, long>? weights, string treasury)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        ArgumentException.ThrowIfNullOrWhiteSpace(treasury);
        if (weights is null)
            return (UnknownSnapshot, 0, [Treasury(treasury, amount)]);
        if (weights.Values.Any(w => w < 0))
            throw new ArgumentException("a weight is a sum of scores, never negative", nameof(weights));
        var total = weights.Values.Aggregate(0L, (sum, w) => checked(sum + w));
        if (total == 0)
            return (NoScores, 0, [Treasury(treasury, amount)]);

        var lines = new List<RevenueShare>(weights.Count + 1);
        var paid = BigInteger.Zero;
        // Ordinal order of addresses: the same lines whatever order the history listed the members in.
        foreach (var (address, weight) in weights.Where(w => w.Value > 0).OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var share = amount * weight / total; // BigInteger division rounds toward zero: floor for non-negative values
            paid += share;
            if (share > 0)
                lines.Add(new RevenueShare(address, ContributorRole, weight, TokenAmount.Format(share)));
        }
        var remainder = amount - paid;
        if (remainder > 0)
            lines.Add(Treasury(treasury, remainder));
        return (Split, total, lines);
    }

    private static RevenueShare Treasury(string treasury, BigInteger amount) => new(treasury, TreasuryRole, 0, TokenAmount.Format(amount));
}
