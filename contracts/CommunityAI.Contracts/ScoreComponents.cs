namespace CommunityAI.Contracts;

/// <summary>
/// How a final score was made (part of <see cref="ContributionScored"/>).
/// </summary>
/// <remarks>
/// Final score: 0 when <paramref name="Flags"/> holds <c>exact-duplicate</c> or <c>near-duplicate</c>; the automated score
/// when the contribution fell back (no validators, or fewer reviews than the quorum when the window closed); 0 when the
/// consensus verdict is <c>reject</c>; otherwise (w · automated + (100 − w) · consensus + 50) / 100 in integer arithmetic,
/// with w = <paramref name="AutomatedWeight"/>.
/// </remarks>
/// <param name="AutomatedScore">The automated checks' score (see <see cref="AutomatedChecksCompleted"/>).</param>
/// <param name="ConsensusScore">The reputation-weighted median of the reviews, or null when there was no consensus.</param>
/// <param name="ConsensusVerdict">The reputation-weighted majority verdict of the unclipped reviews (a tie accepts), or null.</param>
/// <param name="AutomatedWeight">Weight in percent of the automated score against the consensus.</param>
/// <param name="Flags">What shaped the score: <c>exact-duplicate</c>, <c>near-duplicate</c>, <c>fallback:no-validators</c>, <c>fallback:no-quorum</c>, <c>rejected-by-consensus</c>.</param>
/// <param name="DuplicateOf">With <c>exact-duplicate</c>: the earlier contribution with the same content. Optional (added in 1.4).</param>
/// <param name="NearDuplicateOf">With <c>near-duplicate</c>: the earlier contribution whose text is this similar. Optional (added in 1.4).</param>
/// <param name="NearDuplicateSimilarity">With <c>near-duplicate</c>: the estimated Jaccard similarity (MinHash) to it. Optional (added in 1.4).</param>
public sealed record ScoreComponents(
    int AutomatedScore,
    int? ConsensusScore,
    string? ConsensusVerdict,
    int AutomatedWeight,
    IReadOnlyList<string> Flags,
    string? DuplicateOf = null,
    string? NearDuplicateOf = null,
    double? NearDuplicateSimilarity = null);
