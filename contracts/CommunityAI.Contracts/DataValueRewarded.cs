namespace CommunityAI.Contracts;

/// <summary>
/// What a <c>data</c> or <c>feedback</c> contribution earned for the measured value of the batch it was new in: recorded by
/// the reward-ledger for every share (<see cref="BatchShare"/>) of a <see cref="DataValued"/> batch whose gain was positive,
/// in stream <c>ledger/data-value/{contributionId}</c>, which can start only once: a contribution is paid for its data's
/// value once, in the first round that valued it. History only (added in 1.18).
/// </summary>
/// <remarks>
/// The batch's pool is gain · <see cref="RewardPolicyPublished.DataGainRewardPerBasisPoint"/> of the reward policy in force in
/// <paramref name="Epoch"/> (the first epoch still open when the ledger read the valuation). Each share gets
/// floor(pool · examples / batch examples); the units left over go one each to the first shares in contribution-id order,
/// so the shares sum to the pool exactly. Recorded also when the policy pays 0. Outside the per-address cap (the measured
/// gain bounds it, like a model's gain); enters the claim tree of its epoch like any credit. The contribution's
/// quality-score credit (<see cref="ContributionRewarded"/>) is separate and unchanged.
/// </remarks>
/// <param name="ContributionId">The contribution (0x-hex, lower case).</param>
/// <param name="Contributor">Its contributor (EIP-55), as its submission names it; the account credited.</param>
/// <param name="Batch"><c>data</c> or <c>feedback</c>: which of the valuation's batches.</param>
/// <param name="Period">The valuation's <see cref="DataValued.Period"/>.</param>
/// <param name="ModelHash">The valuation's <see cref="DataValued.ModelHash"/>.</param>
/// <param name="GainBasisPoints">The batch's <see cref="BatchValue.GainBasisPoints"/> (more than 0).</param>
/// <param name="BatchExamples">The examples of every share of the batch together.</param>
/// <param name="Examples">This share's examples.</param>
/// <param name="Amount">What was credited, in token base units, as a decimal string.</param>
/// <param name="Epoch">The epoch credited.</param>
/// <param name="PolicyVersion">The reward policy used, for example <c>reward-3</c>.</param>
/// <param name="RewardedAt">When the ledger recorded it.</param>
public sealed record DataValueRewarded(
    string ContributionId,
    string Contributor,
    string Batch,
    long Period,
    string ModelHash,
    int GainBasisPoints,
    int BatchExamples,
    int Examples,
    string Amount,
    long Epoch,
    string PolicyVersion,
    DateTimeOffset RewardedAt);
