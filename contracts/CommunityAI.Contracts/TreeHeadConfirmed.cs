namespace CommunityAI.Contracts;

/// <summary>
/// An anchored tree head reached the configured number of confirmations: the chain's head is at least
/// <see cref="Confirmations"/> blocks above the block holding the anchoring transaction. Recorded in the history
/// by the chain-bridge service after the matching <see cref="TreeHeadAnchored"/>.
/// </summary>
/// <param name="TreeSize">Number of log entries the head covers.</param>
/// <param name="RootHash">RFC 9162 root hash, 0x-prefixed hex.</param>
/// <param name="ChainId">Chain the anchor was written to.</param>
/// <param name="AnchorContract">Address of the HistoryAnchor contract.</param>
/// <param name="TxHash">Anchoring transaction hash.</param>
/// <param name="BlockNumber">Block that holds the transaction (differs from the anchored event's when a reorg moved it).</param>
/// <param name="BlockHash">Hash of that block.</param>
/// <param name="Confirmations">Blocks required on top of <see cref="BlockNumber"/>.</param>
/// <param name="ConfirmedAt">When the chain-bridge saw the confirmation.</param>
public sealed record TreeHeadConfirmed(
    long TreeSize,
    string RootHash,
    long ChainId,
    string AnchorContract,
    string TxHash,
    long BlockNumber,
    string BlockHash,
    int Confirmations,
    DateTimeOffset ConfirmedAt);
