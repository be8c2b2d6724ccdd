namespace CommunityAI.ChainBridge.Log;

/// <summary>One log entry: its dense index, the store sequence it came from, its canonical bytes and leaf hash.</summary>
public sealed record LogEntry(long Index, long Sequence, byte[] Entry, byte[] LeafHash);
