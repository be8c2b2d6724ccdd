namespace CommunityAI.RewardLedger.Domain;

/// <summary>How far <c>ScoreFollower</c> has credited the history: every score at or below <see cref="Sequence"/> is credited.</summary>
public sealed record ScoreFeedCheckpoint(string Id, long Sequence)
{
    public const string Key = "scores";
}
