namespace CommunityAI.ChainBridge.Log;

/// <summary>The log as last committed: its size, root, and the last store sequence it has taken in.</summary>
public sealed record LogHead(long TreeSize, byte[] RootHash, long LastSequence);
