namespace CommunityAI.Contracts;

/// <summary>
/// A tree head of the history's Merkle log was anchored on chain: the transaction is included in a block, which a
/// reorg may still drop (then <see cref="TreeHeadAnchorDropped"/> follows, and a later head is anchored instead).
/// Published by the chain-bridge service.
/// </summary>
/// <param name="TreeSize">Number of log entries the head covers (indexes 0 to TreeSize-1).</param>
/// <param name="RootHash">RFC 9162 root hash, 0x-prefixed hex.</param>
/// <param name="ChainId">Chain the anchor was written to.</param>
/// <param name="AnchorContract">Address of the HistoryAnchor contract.</param>
/// <param name="TxHash">Anchoring transaction hash.</param>
/// <param name="BlockNumber">Block that included the transaction.</param>
/// <param name="AnchoredAt">When the transaction was mined, as seen by the chain-bridge.</param>
/// <param name="BlockHash">Hash of the including block, to recognise a reorg; absent in events recorded before it was added.</param>
public sealed record TreeHeadAnchored(
    long TreeSize,
    string RootHash,
    long ChainId,
    string AnchorContract,
    string TxHash,
    long BlockNumber,
    DateTimeOffset AnchoredAt,
    string? BlockHash = null);
