namespace CommunityAI.ChainBridge.Chain;

/// <summary>A block by number and hash; a new hash at the same number means the chain was reorganised.</summary>
public sealed record BlockRef(ulong Number, string Hash);
