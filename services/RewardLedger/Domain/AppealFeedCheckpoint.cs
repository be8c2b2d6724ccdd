namespace CommunityAI.RewardLedger.Domain;

/// <summary>How far <c>AppealFollower</c> has settled quality-scoring's appeal decisions: every one at or below <see cref="Sequence"/>.</summary>
public sealed record AppealFeedCheckpoint(string Id, long Sequence)
{
    public const string Key = "appeals";
}
