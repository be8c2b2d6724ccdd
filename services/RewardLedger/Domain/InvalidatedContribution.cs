namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// The ledger's record of a contribution's first activated <c>contribution-invalidation</c>: the contribution (lower-case
/// 0x-hex, the id), the proposal and its reason, the activation's sequence in the history and when it took effect. Written
/// by <c>InvalidationFollower</c> in the transaction that moves its checkpoint, so the set is exactly the activations up to
/// its checkpoint (<c>invalidations-documented</c>); a crediter reads it by key instead of searching the history (see
/// <c>InvalidationHistory</c>). A read model: derived from governance's stored events alone, rebuilt by reading them again.
/// </summary>
public sealed record InvalidatedContribution(string Id, string ProposalId, string Reason, long Sequence, DateTimeOffset ActivatedAt)
{
    public Invalidation ToInvalidation() => new(Id, Reason, ProposalId);
}
