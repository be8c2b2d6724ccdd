namespace CommunityAI.Contributions.Domain;

/// <summary>What a contributor sees of a contribution; fed by this service's own event and by bus events.</summary>
public sealed record ContributionView
{
    public required string Id { get; init; }
    public required string Contributor { get; init; }
    public required string Kind { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public string Status { get; init; } = ContributionStatus.Submitted;
    public int? Score { get; init; }
    public string? Reward { get; init; }
    public long? Epoch { get; init; }
    /// <summary>Index of the contribution's event in the verifiable log, once the chain-bridge logged it.</summary>
    public long? LogIndex { get; init; }
}

public static class ContributionStatus
{
    public const string Submitted = "submitted";
    public const string Scored = "scored";
    public const string Rewarded = "rewarded";
    public const string Anchored = "anchored";
}
