using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// An appeal's reward consequence (rule in <see cref="AppealSettled"/>), as a pure function of what the history holds: the
/// first credit and its inputs, the case's first validator pay, and the appeal's decision. Exact integers throughout; the
/// lines it returns are checked to add up before anything is recorded.
/// </summary>
public static class AppealSettlement
{
    /// <summary>What the first credit was made from and what it paid.</summary>
    /// <param name="Contributor">The address the first credit credited (EIP-55).</param>
    /// <param name="Kind">The contribution's kind.</param>
    /// <param name="Evidence">What backed the first score (the first credit's evidence).</param>
    /// <param name="EarnedBefore">What the contributor had earned in the credit's epoch before the first credit: its cap input.</param>
    /// <param name="Credited">The first credit's amount.</param>
    /// <param name="Reversed">True when the contribution's reward was reversed (<see cref="RewardAdjusted"/>) before: the contributor is not credited again.</param>
    /// <param name="PaidBefore">The lines of the case's <see cref="ValidatorsRewarded"/>; none when it paid nobody.</param>
    public sealed record FirstCredit(
        string Contributor, string Kind, RewardEvidence Evidence, BigInteger EarnedBefore, BigInteger Credited, bool Reversed,
        IReadOnlyList<ValidatorReward> PaidBefore);

    /// <summary>The settlement: the credit and validator pay from now on, and the signed deltas that get there.</summary>
    public sealed record Result(
        BigInteger Credit, BigInteger ContributorDelta, BigInteger Pool, long TotalWeight,
        IReadOnlyList<ValidatorReward> Validators, IReadOnlyList<SettlementLine> Lines);

    /// <param name="policy">The reward policy the first credit named: the appeal corrects the score, not the rules.</param>
    /// <param name="first">The first credit.</param>
    /// <param name="decided">The appeal's decision as the history records it.</param>
    /// <param name="firstRoundAsRecorded">
    /// The first score's reviews as first recorded (<see cref="ContributionScored.Reviews"/>), used when
    /// <see cref="AppealDecided.FirstRound"/> is missing (an appeal decided before the field existed).
    /// </param>
    public static Result Settle(RewardPolicy policy, FirstCredit first, AppealDecided decided, IReadOnlyList<ScoredReview> firstRoundAsRecorded)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first.Credited);
        var contributor = Address.Parse(first.Contributor);
        var credit = first.Reversed ? first.Credited : policy.RewardFor(first.Kind, decided.FinalScore, first.EarnedBefore, first.Evidence);
        var contributorDelta = credit - first.Credited;

        var pool = policy.ValidatorPoolFor(first.Kind);
        var (total, validators) = ValidatorPay.Divide(pool, [.. decided.FirstRound ?? firstRoundAsRecorded, .. decided.Reviews]);

        var deltas = new Dictionary<string, BigInteger>(StringComparer.Ordinal) { [contributor] = contributorDelta };
        foreach (var line in validators)
            deltas[line.Validator] = deltas.GetValueOrDefault(line.Validator) + TokenAmount.Parse(line.Amount);
        foreach (var line in first.PaidBefore)
        {
            var validator = Address.Parse(line.Validator);
            deltas[validator] = deltas.GetValueOrDefault(validator) - TokenAmount.Parse(line.Amount);
        }
        var lines = deltas.Where(d => !d.Value.IsZero).OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new SettlementLine(d.Key, TokenAmount.Format(d.Value))).ToList();

        // The sum checks: the new pay is the pool (or nothing when no review weighs), and what moves is exactly the change
        // of the contributor's credit plus the change of the case's validator pay.
        var paidNow = Sum(validators.Select(v => v.Amount));
        var paidBefore = Sum(first.PaidBefore.Select(v => v.Amount));
        if (paidNow != (total == 0 ? BigInteger.Zero : pool))
            throw new InvalidOperationException($"the settlement's validator lines add up to {paidNow}, not the pool {pool}");
        if (Sum(lines.Select(l => l.Amount)) != contributorDelta + paidNow - paidBefore)
            throw new InvalidOperationException("the settlement's lines do not add up to the changes they settle");
        return new Result(credit, contributorDelta, pool, total, validators, lines);
    }

    /// <summary>A signed amount as <see cref="AppealSettled"/> and <see cref="SettlementLine"/> write it.</summary>
    public static BigInteger ParseSigned(string text) =>
        text is ['-', .. var digits] ? -TokenAmount.Parse(digits) : TokenAmount.Parse(text);

    private static BigInteger Sum(IEnumerable<string> amounts) => amounts.Aggregate(BigInteger.Zero, (s, a) => s + ParseSigned(a));
}
