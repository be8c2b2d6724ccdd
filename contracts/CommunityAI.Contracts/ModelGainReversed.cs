namespace CommunityAI.Contracts;

/// <summary>
/// The reward ledger took back a contributed model's gain credit (<see cref="ModelGainRewarded"/>) because a passed
/// <c>contribution-invalidation</c> proposal of that contribution came into force (governance's <see cref="PolicyActivated"/>).
/// Recorded in the gain's stream (<c>ledger/gains/{contributionId}</c>), at most once per contribution, in the transaction
/// that debits the contributor's account: after the credit when the activation is read later, or in the credit's own
/// transaction when the invalidation was in force before the evaluation was read, so an invalidated contribution never
/// keeps a gain payment whichever the ledger read first. Nothing is recorded for a gain credited 0. History only (added
/// in 1.13); recorded by the reward-ledger service.
/// </summary>
/// <remarks>
/// The quality-score credit's reversal is <see cref="RewardAdjusted"/> in <c>ledger/credits/{contributionId}</c>; each credit
/// has its own reversal fact in its own stream, as each has its own credit fact. The debit enters the claim tree from
/// <paramref name="Epoch"/> on under the rule that a published cumulative amount never decreases (see <see cref="RewardAdjusted"/>).
/// </remarks>
/// <param name="ContributionId">The invalidated <c>model</c> contribution (0x-hex, lower case as in its gain stream).</param>
/// <param name="Account">The EIP-55 address debited: the contributor the <see cref="ModelGainRewarded"/> credited.</param>
/// <param name="Amount">Minus the <see cref="ModelGainRewarded"/> amount, token base units as a negative decimal string (e.g. "-7500").</param>
/// <param name="Epoch">The reward epoch the debit takes effect in: the first epoch still open when it was recorded.</param>
/// <param name="Reason">The reason the proposal's payload gives.</param>
/// <param name="ProposalId">The passed proposal whose activation this follows, 0x-hex.</param>
/// <param name="ReversedAt">When the ledger recorded the debit.</param>
public sealed record ModelGainReversed(
    string ContributionId,
    string Account,
    string Amount,
    long Epoch,
    string Reason,
    string ProposalId,
    DateTimeOffset ReversedAt);
