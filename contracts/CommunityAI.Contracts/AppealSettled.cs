namespace CommunityAI.Contracts;

/// <summary>
/// The reward ledger settled an appeal's reward consequence: the contributor's credit and the case's validator pay
/// recomputed at the appeal's final score, and the differences moved. Recorded in the contribution's credit stream
/// (<c>ledger/credits/{contributionId}</c>) at most once per appeal, in the transaction that moves the accounts, after the
/// stored <see cref="AppealDecided"/> (never a bus message). History only; recorded by the reward-ledger service.
/// </summary>
/// <remarks>
/// Rule, under the reward policy the contribution's <see cref="ContributionRewarded"/> named (the appeal corrects the score,
/// not the rules): the contributor's credit becomes RewardFor(kind, final score, what the address had earned in the credit's
/// epoch before the credit, evidence), the inputs the first credit used; its delta is that minus the first credit, or 0
/// when the contribution was invalidated before (an activated <c>contribution-invalidation</c> recorded before the
/// settlement, whether or not it left a <see cref="RewardAdjusted"/>: a credit of 0 leaves none). The validators share the case's pool
/// (base(kind) · validator share / 10000) by the rule of <see cref="ValidatorsRewarded"/> over the first round's reviews as the
/// panel's consensus clips them (<see cref="AppealDecided.FirstRound"/>) together with the panel's reviews
/// (<see cref="AppealDecided.Reviews"/>); each validator's delta is its new line minus its line in the case's
/// <see cref="ValidatorsRewarded"/>. Every delta lands in <paramref name="Epoch"/>, the first open epoch, and enters the
/// claim tree under the rule that a published cumulative amount never decreases, so a negative delta is absorbed by later
/// earnings. A settlement whose deltas are all 0 (<c>no-quorum</c>, or an upheld score with the same reviews clipped) is
/// recorded too: the appeal is settled, nothing moves.
/// <para>
/// Slash (added in 1.8): when the second round was an audit round or a first-round reviewer's appeal
/// (<see cref="AppealFiled.AppellantRole"/> <c>audit</c> or <c>reviewer</c>) and its panel decided (outcome not
/// <c>no-quorum</c>), every first-round reviewer whose review the panel's consensus clips (<see cref="AppealDecided.FirstRound"/>,
/// <see cref="ScoredReview.Clipped"/>) loses floor(pool · slash / 10000), the slash being the credit's policy's
/// <see cref="RewardPolicyPublished.SlashBasisPoints"/>; its line is then its new pay minus its first pay minus the slash.
/// A contributor's appeal slashes nobody: the contributor picks which cases reach a panel, and a party holding many
/// validators could send every case its reviewers scored honestly to a panel it may capture, at no risk to itself. The
/// slashed amount goes back to the emission account (it is not paid to anyone, so no panel gains by overturning).
/// </para>
/// </remarks>
/// <param name="ContributionId">The appealed contribution (0x-hex, lower case as in its credit stream).</param>
/// <param name="AppealId">The appeal settled (<see cref="AppealDecided.AppealId"/>).</param>
/// <param name="Contributor">The contributor the first credit credited (EIP-55).</param>
/// <param name="FinalScore">The appeal's final score.</param>
/// <param name="Credit">What the contributor's credit stands at from now on, token base units as a decimal string: the first credit plus <paramref name="ContributorDelta"/>.</param>
/// <param name="ContributorDelta">The contributor's delta, signed decimal string ("-2000", "0", "3000").</param>
/// <param name="Pool">The case's validator pool under the credit's policy, decimal string.</param>
/// <param name="TotalWeight">The sum of the weights the new validator lines are proportional to.</param>
/// <param name="Validators">The case's validator pay from now on, one line per paid validator in ordinal order of address; they add up to <paramref name="Pool"/> (or nothing when no review weighs).</param>
/// <param name="Lines">What moves: every account whose amount changes and its signed delta, in ordinal order of address, lines of 0 left out. The contributor's line is <paramref name="ContributorDelta"/>; a validator's is its new line minus its first.</param>
/// <param name="Epoch">The reward epoch every line takes effect in: the first epoch still open when it was recorded.</param>
/// <param name="PolicyVersion">The reward policy applied: the one the contribution's credit named.</param>
/// <param name="SettledAt">When the ledger recorded the settlement.</param>
/// <param name="Slashes">
/// The first-round reviewers slashed, one line each in ordinal order of address, lines of 0 left out; empty when nobody
/// is. Their <paramref name="Lines"/> include the slash. Optional (added in 1.8): null in settlements recorded before.
/// </param>
public sealed record AppealSettled(
    string ContributionId,
    string AppealId,
    string Contributor,
    int FinalScore,
    string Credit,
    string ContributorDelta,
    string Pool,
    long TotalWeight,
    IReadOnlyList<ValidatorReward> Validators,
    IReadOnlyList<SettlementLine> Lines,
    long Epoch,
    string PolicyVersion,
    DateTimeOffset SettledAt,
    IReadOnlyList<ValidatorSlash>? Slashes = null);
