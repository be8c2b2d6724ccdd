using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// Splitting a snapshot's payment, as a pure function. When the snapshot has reviewers to pay, the validators' pool is
/// floor(amount × validator share / 10000), and each validator receives floor(pool × validator weight / total validator
/// weight); each contributor receives floor((amount − pool) × weight / total weight), where weight is the sum of the
/// scores of their members in the snapshot; the treasury receives what rounding leaves (less than one base unit per
/// line), or everything when nothing can be split. The lines add up to the amount exactly, in integers, so the split
/// never creates or loses a base unit.
/// </summary>
public static class RevenueSharing
{
    public const string Split = "split";
    public const string UnknownSnapshot = "unknown-snapshot";
    public const string NoScores = "no-scores";
    public const string ContributorRole = "contributor";
    public const string ValidatorRole = "validator";
    public const string TreasuryRole = "treasury";

    /// <param name="amount">The payment, more than zero.</param>
    /// <param name="weights">Per contributor address, the sum of their members' scores; null when the snapshot is unknown.</param>
    /// <param name="treasury">Receives the remainder.</param>
    /// <param name="validators">Per validator address, the sum of its review weights over the members (<see cref="ValidatorPay.WeightOf"/>).</param>
    /// <param name="validatorShareBasisPoints">The policy's <see cref="RewardPolicy.DatasetValidatorShareBasisPoints"/>.</param>
    public static RevenueDivision Divide(BigInteger amount, IReadOnlyDictionary<string, long>? weights, string treasury,
        IReadOnlyDictionary<string, long>? validators = null, int validatorShareBasisPoints = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        ArgumentException.ThrowIfNullOrWhiteSpace(treasury);
        ArgumentOutOfRangeException.ThrowIfNegative(validatorShareBasisPoints);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(validatorShareBasisPoints, RewardPolicy.WholeShare);
        if (weights is null)
            return new(UnknownSnapshot, 0, BigInteger.Zero, 0, [Treasury(treasury, amount)]);
        var total = Total(weights, nameof(weights));
        if (total == 0)
            return new(NoScores, 0, BigInteger.Zero, 0, [Treasury(treasury, amount)]);

        // Validators are paid only where someone reviewed: a snapshot of fallback scores leaves the whole amount to contributors.
        var validatorWeights = validators ?? new Dictionary<string, long>();
        var validatorTotal = Total(validatorWeights, nameof(validators));
        var pool = validatorTotal == 0 ? BigInteger.Zero : amount * validatorShareBasisPoints / RewardPolicy.WholeShare;

        var lines = new List<RevenueShare>(weights.Count + validatorWeights.Count + 1);
        var paid = Proportional(amount - pool, weights, total, ContributorRole, lines);
        if (!pool.IsZero)
            paid += Proportional(pool, validatorWeights, validatorTotal, ValidatorRole, lines);
        var remainder = amount - paid;
        if (remainder > 0)
            lines.Add(Treasury(treasury, remainder));
        return new(Split, total, pool, pool.IsZero ? 0 : validatorTotal, lines);
    }

    // floor(sum × weight / total) per address, zero lines left out; returns what the lines add up to.
    private static BigInteger Proportional(BigInteger sum, IReadOnlyDictionary<string, long> weights, long total, string role, List<RevenueShare> lines)
    {
        var paid = BigInteger.Zero;
        // Ordinal order of addresses: the same lines whatever order the history listed the members in.
        foreach (var (address, weight) in weights.Where(w => w.Value > 0).OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var share = sum * weight / total; // BigInteger division rounds toward zero: floor for non-negative values
            paid += share;
            if (share > 0)
                lines.Add(new RevenueShare(address, role, weight, TokenAmount.Format(share)));
        }
        return paid;
    }

    private static long Total(IReadOnlyDictionary<string, long> weights, string name)
    {
        if (weights.Values.Any(w => w < 0))
            throw new ArgumentException("a weight is a sum of scores or review weights, never negative", name);
        return weights.Values.Aggregate(0L, (sum, w) => checked(sum + w));
    }

    private static RevenueShare Treasury(string treasury, BigInteger amount) => new(treasury, TreasuryRole, 0, TokenAmount.Format(amount));
}

/// <summary>A payment's split: <see cref="RevenueSplit"/>'s outcome, weights, validators' pool and lines.</summary>
public sealed record RevenueDivision(string Outcome, long TotalWeight, BigInteger ValidatorPool, long ValidatorWeight, IReadOnlyList<RevenueShare> Lines);
