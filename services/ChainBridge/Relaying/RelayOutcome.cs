using CommunityAI.ChainBridge.Chain;

namespace CommunityAI.ChainBridge.Relaying;

/// <summary>What became of a relay request: sent, or why not (each maps to one HTTP status in the API).</summary>
public sealed record RelayOutcome(RelayResult Result, string Detail, ClaimReceipt? Receipt = null, int RelaysLeftToday = 0, string? RevertError = null)
{
    public static RelayOutcome Relayed(ClaimReceipt receipt, int left) => new(RelayResult.Relayed, "", receipt, left);
    public static RelayOutcome Off(string why) => new(RelayResult.Unavailable, why);
    public static RelayOutcome Nothing(string why) => new(RelayResult.NothingToClaim, why);
    public static RelayOutcome OverQuota(string why) => new(RelayResult.OverQuota, why);
    public static RelayOutcome WouldRevert(string error, string why) => new(RelayResult.WouldRevert, why, RevertError: error);
}

public enum RelayResult
{
    Relayed,
    Unavailable,
    NothingToClaim,
    OverQuota,
    WouldRevert,
}
