using CommunityAI.ServiceDefaults.Epochs;
namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// The newest closed epoch (−1 before the first), and how many reward policies are on record. Credits never go to an
/// epoch at or below the closed one; a credit that finds more policies here than its cached schedule holds reads them again.
/// </summary>
public sealed record EpochState(string Id, long LastClosed, int Policies = 0)
{
    public const string Key = "epochs";

    public static EpochState None => new(Key, -1);

    /// <summary>A credit goes to the epoch of its time, or to the first open one if that epoch already closed.</summary>
    public long EpochForCredit(EpochOptions options, DateTimeOffset now) => Math.Max(options.EpochAt(now), LastClosed + 1);
}
