namespace CommunityAI.ChainBridge.Chain;

/// <summary>The latest claim root on the distributor; (0, 32 zero bytes) before the first publication.</summary>
/// <param name="Epoch">The reward epoch the root closes.</param>
/// <param name="Root">The StandardMerkleTree root of cumulative amounts (32 bytes).</param>
public sealed record PublishedRoot(ulong Epoch, byte[] Root);
