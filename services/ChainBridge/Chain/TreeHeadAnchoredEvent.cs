namespace CommunityAI.ChainBridge.Chain;

/// <summary>One <c>TreeHeadAnchored(uint64 indexed treeSize, bytes32 rootHash)</c> event and where it was emitted.</summary>
/// <param name="TreeSize">Number of log entries the head covers.</param>
/// <param name="RootHash">The RFC 9162 root hash (32 bytes).</param>
/// <param name="BlockNumber">Block of the anchoring transaction.</param>
/// <param name="BlockHash">Hash of that block, to notice a reorg.</param>
/// <param name="TransactionHash">The anchoring transaction.</param>
/// <param name="LogIndex">Position of the event in its block.</param>
public sealed record TreeHeadAnchoredEvent(ulong TreeSize, byte[] RootHash, ulong BlockNumber, string BlockHash, string TransactionHash, ulong LogIndex);
