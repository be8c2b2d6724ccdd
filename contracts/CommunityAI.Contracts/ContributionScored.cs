namespace CommunityAI.Contracts;

/// <summary>A contribution received its final quality score. Published by the quality-scoring service.</summary>
/// <param name="ContributionId">The contribution's id (0x-hex EIP-712 digest).</param>
/// <param name="Contributor">The contributor's EIP-55 address.</param>
/// <param name="Kind">The contribution's kind.</param>
/// <param name="Score">Final score, 0 to 100.</param>
/// <param name="PolicyVersion">Version of the scoring policy that produced the score.</param>
/// <param name="ScoredAt">When the score was final.</param>
/// <param name="Components">How the score was made: automated and consensus parts, weight and flags. Optional (added in 1.1).</param>
/// <param name="Reviews">The reviews the consensus used, with their weights and whether each was clipped; empty on a fallback. Optional (added in 1.1).</param>
/// <param name="Fallback">Null when validators reached a consensus (or a duplicate was refused outright); otherwise why the policy's fallback decided: <c>no-validators</c> or <c>no-quorum</c>. Optional (added in 1.1).</param>
public sealed record ContributionScored(
    string ContributionId,
    string Contributor,
    string Kind,
    int Score,
    string PolicyVersion,
    DateTimeOffset ScoredAt,
    ScoreComponents? Components = null,
    IReadOnlyList<ScoredReview>? Reviews = null,
    string? Fallback = null);
