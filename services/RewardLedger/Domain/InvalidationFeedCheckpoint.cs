namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// How far <c>InvalidationFollower</c> has acted on governance's activations: every one at or below <see cref="Sequence"/>,
/// each invalidation among them also stored as an <see cref="InvalidatedContribution"/> in the same transaction.
/// </summary>
public sealed record InvalidationFeedCheckpoint(string Id, long Sequence)
{
    // A new key since the follower stores InvalidatedContribution documents: a ledger that followed under the old one
    // ("invalidations") holds no documents for the activations it passed, so it reads governance's streams again from the
    // first event (reversals are refused twice; crediters read the history past this checkpoint meanwhile).
    public const string Key = "invalidations-documented";
}
