namespace CommunityAI.Contracts;

/// <summary>
/// What a <c>model</c> contribution earned for its measured gain: recorded by the reward-ledger once for every
/// <see cref="ModelContributionEvaluated"/> of the community model's streams (<c>model/contributions/{id}</c>) that made the
/// model champion, in stream <c>ledger/gains/{contributionId}</c> (which can start only once). History only (added in 1.10).
/// </summary>
/// <remarks>
/// Amount = max(0, <paramref name="GainBasisPoints"/>) · <see cref="RewardPolicyPublished.ModelGainRewardPerBasisPoint"/> of
/// the reward policy in force in <paramref name="Epoch"/> (the first epoch still open when the ledger read the evaluation),
/// exact. An evaluation that did not make its model champion, or refused it, earns nothing and is not recorded here; one
/// that did is recorded even when the policy pays 0 for gains. The amount is outside the per-address cap and enters the
/// claim tree of its epoch like any credit. The contribution's quality-score credit (<see cref="ContributionRewarded"/>) is
/// separate and unchanged.
/// </remarks>
/// <param name="ContributionId">The <c>model</c> contribution.</param>
/// <param name="Contributor">Its contributor (EIP-55), as the evaluation names it; the account credited.</param>
/// <param name="Period">The evaluation's <see cref="ModelContributionEvaluated.Period"/>.</param>
/// <param name="ModelHash">The evaluation's <see cref="ModelContributionEvaluated.ModelHash"/>.</param>
/// <param name="GainBasisPoints">The evaluation's <see cref="ModelContributionEvaluated.GainBasisPoints"/>.</param>
/// <param name="Amount">What was credited, in token base units, as a decimal string.</param>
/// <param name="Epoch">The epoch credited.</param>
/// <param name="PolicyVersion">The reward policy used, for example <c>reward-2</c>.</param>
/// <param name="RewardedAt">When the ledger recorded it.</param>
public sealed record ModelGainRewarded(
    string ContributionId,
    string Contributor,
    long Period,
    string ModelHash,
    int GainBasisPoints,
    string Amount,
    long Epoch,
    string PolicyVersion,
    DateTimeOffset RewardedAt);
