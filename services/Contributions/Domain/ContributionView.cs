namespace CommunityAI.Contributions.Domain;

/// <summary>
/// What a contributor sees of a contribution: a projection of the history (<see cref="ContributionViewProjection"/>),
/// rebuilt from zero to the same rows.
/// </summary>
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
    /// <summary>
    /// Index of the contribution's event in the verifiable log: its position in the history (RFC 9162 log indexes are
    /// dense over the history in store order). Null only between intake and the projector's first sight of the event.
    /// </summary>
    public long? LogIndex { get; init; }
    /// <summary>Why the score is what it is, once scored (from <see cref="Contracts.ContributionScored"/> and <see cref="Contracts.ContributionRewarded"/>).</summary>
    public ScoreExplanation? Explanation { get; init; }
}

/// <summary>
/// How a contribution's score and reward were made, as the history records them: the score's components and flags
/// (duplicate of which contribution, near duplicate of which and how similar), whether the policy's fallback decided,
/// the validators' reviews (public only once the case closed) and the policy versions applied.
/// </summary>
public sealed record ScoreExplanation(
    Contracts.ScoreComponents? Components,
    string? Fallback,
    IReadOnlyList<Contracts.ScoredReview> Reviews,
    string ScoringPolicyVersion,
    string? RewardPolicyVersion = null);

public static class ContributionStatus
{
    public const string Submitted = "submitted";
    public const string Scored = "scored";
    public const string Rewarded = "rewarded";
    public const string Anchored = "anchored";
}
