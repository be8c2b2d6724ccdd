namespace CommunityAI.Contracts;

/// <summary>
/// The chain-bridge stopped anchoring because its log does not extend the head already anchored on chain: the log
/// holds another history than the one anchored (rewritten, or restored from elsewhere), or the chain holds a head its
/// log cannot reach. Nothing more is anchored until an operator restores the history that matches the chain; the
/// service reports itself unhealthy meanwhile. Recorded once per finding in the history by the chain-bridge service.
/// </summary>
/// <param name="OnChainTreeSize">Tree size of the head the HistoryAnchor contract holds.</param>
/// <param name="OnChainRoot">Its RFC 9162 root hash, 0x-prefixed hex.</param>
/// <param name="LocalRoot">
/// The log's own root at that tree size, 0x-prefixed hex; null when the log holds fewer entries than the chain's head.
/// </param>
/// <param name="LocalTreeSize">Number of entries in the log when the finding was made.</param>
/// <param name="Reason">What did not match, in words.</param>
/// <param name="ChainId">Chain of the HistoryAnchor contract.</param>
/// <param name="AnchorContract">Address of the HistoryAnchor contract.</param>
/// <param name="HaltedAt">When the chain-bridge found it.</param>
public sealed record AnchoringHalted(
    long OnChainTreeSize,
    string OnChainRoot,
    string? LocalRoot,
    long LocalTreeSize,
    string Reason,
    long ChainId,
    string AnchorContract,
    DateTimeOffset HaltedAt);
