namespace CommunityAI.Contracts;

/// <summary>
/// The reward ledger reversed a contribution's reward because a passed <c>contribution-invalidation</c> proposal came into
/// force (governance's <see cref="PolicyActivated"/>). Recorded in the contribution's credit stream
/// (<c>ledger/credits/{contributionId}</c>), at most once per contribution, in the transaction that debits the contributor's
/// account: after the <see cref="ContributionRewarded"/>, or in that credit's own transaction and epoch when the contribution
/// was scored after its invalidation took effect, so an invalidated contribution is never paid whichever the ledger read
/// first. Nothing is recorded for a contribution never credited or credited nothing. History only; recorded by the
/// reward-ledger service.
/// </summary>
/// <remarks>
/// The debit enters the claim tree from <paramref name="Epoch"/> on, under the rule that a published cumulative amount
/// never decreases: cumulative(e) = max(cumulative(e − 1), credits minus debits up to e), so later earnings absorb the
/// debit before the address's claim rises again. The validators' pay for the case stays: they did the review work.
/// </remarks>
/// <param name="ContributionId">The invalidated contribution (0x-hex EIP-712 digest, lower case as in its credit stream).</param>
/// <param name="Account">The EIP-55 address debited: the contributor its <see cref="ContributionRewarded"/> credited.</param>
/// <param name="Amount">
/// Minus the contribution's credit as it stands, token base units as a negative decimal string (e.g. "-5000"): the
/// <see cref="ContributionRewarded"/> amount plus the <see cref="AppealSettled.ContributorDelta"/> of an appeal settled before.
/// </param>
/// <param name="Epoch">The reward epoch the debit takes effect in: the first epoch still open when it was recorded.</param>
/// <param name="Reason">The reason the proposal's payload gives.</param>
/// <param name="ProposalId">The passed proposal whose activation this follows, 0x-hex.</param>
/// <param name="AdjustedAt">When the ledger recorded the debit.</param>
public sealed record RewardAdjusted(
    string ContributionId,
    string Account,
    string Amount,
    long Epoch,
    string Reason,
    string ProposalId,
    DateTimeOffset AdjustedAt);
