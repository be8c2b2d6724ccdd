namespace CommunityAI.RewardLedger.Domain;

/// <summary>How far <c>GainFollower</c> has credited the community model's evaluations: every one at or below <see cref="Sequence"/>.</summary>
public sealed record GainFeedCheckpoint(string Id, long Sequence)
{
    public const string Key = "gains";
}
