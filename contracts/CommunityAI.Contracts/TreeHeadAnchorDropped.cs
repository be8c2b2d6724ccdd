namespace CommunityAI.Contracts;

/// <summary>
/// A reorg removed the transaction of an earlier <see cref="TreeHeadAnchored"/> from the canonical chain: the head
/// it anchored is no longer on chain. The chain-bridge anchors the log's current head next, which covers at least
/// as many entries. Recorded in the history by the chain-bridge service.
/// </summary>
/// <param name="TreeSize">Number of log entries the dropped head covered.</param>
/// <param name="RootHash">RFC 9162 root hash of the dropped head, 0x-prefixed hex.</param>
/// <param name="ChainId">Chain the anchor had been written to.</param>
/// <param name="AnchorContract">Address of the HistoryAnchor contract.</param>
/// <param name="TxHash">The dropped transaction.</param>
/// <param name="BlockNumber">Block that had included it.</param>
/// <param name="DroppedAt">When the chain-bridge noticed the drop.</param>
public sealed record TreeHeadAnchorDropped(
    long TreeSize,
    string RootHash,
    long ChainId,
    string AnchorContract,
    string TxHash,
    long BlockNumber,
    DateTimeOffset DroppedAt);
