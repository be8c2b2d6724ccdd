namespace CommunityAI.RewardLedger.Domain;

/// <summary>How far <c>InvalidationFollower</c> has acted on governance's activations: every one at or below <see cref="Sequence"/>.</summary>
public sealed record InvalidationFeedCheckpoint(string Id, long Sequence)
{
    public const string Key = "invalidations";
}
