namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>An anchored tree head as the API shows it.</summary>
public sealed record AnchorView
{
    /// <summary>Marten id: the tree size, unique since anchored sizes strictly grow.</summary>
    public required long Id { get; init; }
    public long TreeSize => Id;
    public required string RootHash { get; init; }
    public required string TxHash { get; init; }
    public required long BlockNumber { get; init; }
    public required string Confirmation { get; init; }
    public required DateTimeOffset AnchoredAt { get; init; }
}
