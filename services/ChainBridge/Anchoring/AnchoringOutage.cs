namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>A run of consecutive anchoring failures: since when, how many attempts, and the last error's message.</summary>
public sealed record AnchoringOutage(DateTimeOffset Since, int Failures, string LastError);
