namespace CommunityAI.ChainBridge.Chain;

/// <summary>One <c>RootPublished(uint64 indexed epoch, bytes32 root, uint256 cumulativeTotal, uint64 claimableAt)</c> event and where it was emitted.</summary>
/// <param name="Epoch">The reward epoch.</param>
/// <param name="Root">The claim root (32 bytes).</param>
/// <param name="BlockNumber">Block of the publishing transaction.</param>
/// <param name="BlockHash">Hash of that block, to notice a reorg.</param>
/// <param name="TransactionHash">The publishing transaction.</param>
public sealed record RootPublishedEvent(ulong Epoch, byte[] Root, ulong BlockNumber, string BlockHash, string TransactionHash);
