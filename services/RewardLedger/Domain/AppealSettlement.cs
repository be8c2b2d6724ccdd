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
    /// <param name="Reversed">
    /// True when the contribution's reward was reversed (<see cref="RewardAdjusted"/>) or the contribution invalidated (an
    /// activated <c>contribution-invalidation</c>, even of a credit of 0 that left nothing to reverse) before: the contributor
    /// is not credited again.
    /// </param>
    /// <param name="PaidBefore">The lines of the case's <see cref="ValidatorsRewarded"/>; none when it paid nobody.</param>
    public sealed record FirstCredit(
        string Contributor, string Kind, RewardEvidence Evidence, BigInteger EarnedBefore, BigInteger Credited, bool Reversed,
        IReadOnlyList<ValidatorReward> PaidBefore);

    /// <summary>The settlement: the credit and validator pay from now on, the slashes, and the signed deltas that get there.</summary>
    public sealed record Result(
        BigInteger Credit, BigInteger ContributorDelta, BigInteger Pool, long TotalWeight,
        IReadOnlyList<ValidatorReward> Validators, IReadOnlyList<SettlementLine> Lines, IReadOnlyList<ValidatorSlash> Slashes);

    /// <summary>
    /// Whether a second round asked for by <paramref name="appellantRole"/> slashes the first-round reviews its panel
    /// overturns: an audit round (drawn, nobody chose the case) and a first-round reviewer's appeal (the appellant is
    /// measured like the others, so an appeal the panel does not bear out costs it too) do; a contributor's appeal does
    /// not, since a contributor picks the cases a panel sees and would risk nothing by sending honest reviewers to one
    /// its own validators might hold.
    /// </summary>
    public static bool Slashes(string appellantRole) => appellantRole is AppealFiled.Audit or AppealFiled.Reviewer;

    /// <param name="policy">The reward policy the first credit named: the appeal corrects the score, not the rules.</param>
    /// <param name="first">The first credit.</param>
    /// <param name="decided">The appeal's decision as the history records it.</param>
    /// <param name="appellantRole">Who asked for the second round (<see cref="AppealFiled.AppellantRole"/>, <c>contributor</c> when absent).</param>
    /// <param name="firstRoundAsRecorded">
    /// The first score's reviews as first recorded (<see cref="ContributionScored.Reviews"/>), used when
    /// <see cref="AppealDecided.FirstRound"/> is missing (an appeal decided before the field existed).
    /// </param>
    public static Result Settle(RewardPolicy policy, FirstCredit first, AppealDecided decided, string appellantRole,
        IReadOnlyList<ScoredReview> firstRoundAsRecorded)
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
        // Only a panel's own measure overturns a review: a decision short of quorum leaves the first round as recorded, and
        // an older decision without firstRound carries no panel measure of it.
        var slash = policy.SlashFor(first.Kind);
        var slashes = Slashes(appellantRole) && decided.Outcome != AppealDecided.NoQuorum && decided.FirstRound is { } remeasured && !slash.IsZero
            ? remeasured.Where(r => r.Clipped).Select(r => Address.Parse(r.Validator)).Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal).Select(v => new ValidatorSlash(v, TokenAmount.Format(slash))).ToList()
            : [];
        foreach (var line in slashes)
            deltas[line.Validator] = deltas.GetValueOrDefault(line.Validator) - slash;
        var lines = deltas.Where(d => !d.Value.IsZero).OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new SettlementLine(d.Key, TokenAmount.Format(d.Value))).ToList();

        // The sum checks: the new pay is the pool (or nothing when no review weighs), and what moves is exactly the change
        // of the contributor's credit plus the change of the case's validator pay.
        var paidNow = Sum(validators.Select(v => v.Amount));
        var paidBefore = Sum(first.PaidBefore.Select(v => v.Amount));
        if (paidNow != (total == 0 ? BigInteger.Zero : pool))
            throw new InvalidOperationException($"the settlement's validator lines add up to {paidNow}, not the pool {pool}");
        var slashed = Sum(slashes.Select(s => s.Amount));
        if (slashed != slash * slashes.Count)
            throw new InvalidOperationException($"the settlement's slashes add up to {slashed}, not {slashes.Count} × {slash}");
        if (Sum(lines.Select(l => l.Amount)) != contributorDelta + paidNow - paidBefore - slashed)
            throw new InvalidOperationException("the settlement's lines do not add up to the changes they settle");
        return new Result(credit, contributorDelta, pool, total, validators, lines, slashes);
    }

    /// <summary>A signed amount as <see cref="AppealSettled"/> and <see cref="SettlementLine"/> write it.</summary>
    public static BigInteger ParseSigned(string text) =>
        text is ['-', .. var digits] ? -TokenAmount.Parse(digits) : TokenAmount.Parse(text);

    private static BigInteger Sum(IEnumerable<string> amounts) => amounts.Aggregate(BigInteger.Zero, (s, a) => s + ParseSigned(a));
}
