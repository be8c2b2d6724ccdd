namespace CommunityAI.Contracts;

/// <summary>
/// The reward ledger took back a contribution's data-value credit (<see cref="DataValueRewarded"/>) because a passed
/// <c>contribution-invalidation</c> proposal of that contribution came into force (governance's <see cref="PolicyActivated"/>).
/// Recorded in the credit's stream (<c>ledger/data-value/{contributionId}</c>), at most once, in the transaction that
/// debits the account: after the credit when the activation is read later, or in the credit's own transaction when the
/// invalidation was in force before the valuation was read. Nothing is recorded for a credit of 0. History only (added in
/// 1.18); recorded by the reward-ledger service.
/// </summary>
/// <remarks>
/// The other shares of the batch stand: the batch's gain was measured with the contribution in it, and the others' work
/// is not in question. The debit enters the claim tree from <paramref name="Epoch"/> on under the rule that a published
/// cumulative amount never decreases (see <see cref="RewardAdjusted"/>).
/// </remarks>
/// <param name="ContributionId">The invalidated contribution (0x-hex, lower case as in its stream).</param>
/// <param name="Account">The EIP-55 address debited: the contributor the <see cref="DataValueRewarded"/> credited.</param>
/// <param name="Amount">Minus the <see cref="DataValueRewarded"/> amount, as a negative decimal string.</param>
/// <param name="Epoch">The reward epoch the debit takes effect in: the first epoch still open when it was recorded.</param>
/// <param name="Reason">The reason the proposal's payload gives.</param>
/// <param name="ProposalId">The passed proposal whose activation this follows, 0x-hex.</param>
/// <param name="ReversedAt">When the ledger recorded the debit.</param>
public sealed record DataValueReversed(
    string ContributionId,
    string Account,
    string Amount,
    long Epoch,
    string Reason,
    string ProposalId,
    DateTimeOffset ReversedAt);
