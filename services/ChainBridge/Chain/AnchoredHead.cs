namespace CommunityAI.ChainBridge.Chain;

/// <summary>A tree head as the HistoryAnchor contract holds it; (0, 32 zero bytes) before the first anchor.</summary>
/// <param name="TreeSize">Number of log entries the head covers.</param>
/// <param name="RootHash">The RFC 9162 root hash (32 bytes).</param>
public sealed record AnchoredHead(ulong TreeSize, byte[] RootHash);
