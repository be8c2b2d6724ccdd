namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// An anchored tree head as GET /api/log/anchors shows it. <see cref="Confirmation"/> is one of
/// <see cref="ConfirmationState"/>: included, then confirmed once enough blocks lie on top, or dropped when a reorg
/// removed the transaction (a later anchor then covers at least as many entries).
/// </summary>
public sealed record AnchorView
{
    /// <summary>Marten id: the tree size, unique since anchored sizes strictly grow (a re-anchor after a drop is larger).</summary>
    public required long Id { get; init; }
    public long TreeSize => Id;
    public required string RootHash { get; init; }
    public required string TxHash { get; init; }
    public required long BlockNumber { get; init; }

    /// <summary>The block the transaction was last seen in; null for anchors recorded before it was kept.</summary>
    public string? BlockHash { get; init; }

    public required string Confirmation { get; init; }
    public required DateTimeOffset AnchoredAt { get; init; }
    public DateTimeOffset? ConfirmedAt { get; init; }
    public DateTimeOffset? DroppedAt { get; init; }
}
