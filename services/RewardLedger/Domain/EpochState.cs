namespace CommunityAI.RewardLedger.Domain;

/// <summary>The newest closed epoch (−1 before the first). Credits never go to an epoch at or below it.</summary>
public sealed record EpochState(string Id, long LastClosed)
{
    public const string Key = "epochs";

    public static EpochState None => new(Key, -1);

    /// <summary>A credit goes to the epoch of its time, or to the first open one if that epoch already closed.</summary>
    public long EpochForCredit(EpochOptions options, DateTimeOffset now) => Math.Max(options.EpochAt(now), LastClosed + 1);
}
