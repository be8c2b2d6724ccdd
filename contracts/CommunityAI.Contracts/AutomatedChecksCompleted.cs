namespace CommunityAI.Contracts;

/// <summary>
/// The automated checks of a submitted contribution finished. Recorded by quality-scoring in stream
/// <c>scoring/{contributionId}</c> with every input that produced the result, so an auditor can recompute it from the
/// history: the content facts come from <see cref="ContributionSubmitted"/>, the rules from the named
/// <see cref="ScoringPolicyPublished"/>, and the earlier texts from the earlier submissions.
/// </summary>
/// <remarks>
/// Automated score: 0 for an exact or near duplicate; otherwise 70 with inline content (50 without), plus 10 for a
/// content-addressed URI (ipfs, ar), minus 25 per rule violation, clamped to 0–100.
/// </remarks>
/// <param name="ContributionId">The contribution's id (0x-hex EIP-712 digest).</param>
/// <param name="Contributor">The contributor's EIP-55 address.</param>
/// <param name="Kind">The contribution's kind.</param>
/// <param name="ContentHash">SHA-256 of the content as submitted, 0x-hex.</param>
/// <param name="ContentUri">Where the content lives, as submitted.</param>
/// <param name="ContentSize">Size in bytes of inline content, or null when only a pointer was sent.</param>
/// <param name="TextLength">Length in UTF-16 code units of the inline text checked for near duplicates, or null when there was none.</param>
/// <param name="PolicyVersion">Scoring policy whose rules and thresholds were applied.</param>
/// <param name="DuplicateOf">The earlier contribution with the same content hash, or null.</param>
/// <param name="NearDuplicateOf">The closest earlier contribution whose text is at least as similar as the policy's threshold, or null.</param>
/// <param name="NearDuplicateSimilarity">Estimated Jaccard similarity (MinHash) to <paramref name="NearDuplicateOf"/>, or to the closest candidate below the threshold; null when no candidate shared an LSH band.</param>
/// <param name="Violations">Size and format rules of the kind that the contribution broke, as "rule: detail" texts; empty when none.</param>
/// <param name="Score">The automated score, 0–100 (see remarks).</param>
/// <param name="CheckedAt">When the checks ran.</param>
public sealed record AutomatedChecksCompleted(
    string ContributionId,
    string Contributor,
    string Kind,
    string ContentHash,
    string ContentUri,
    long? ContentSize,
    int? TextLength,
    string PolicyVersion,
    string? DuplicateOf,
    string? NearDuplicateOf,
    double? NearDuplicateSimilarity,
    IReadOnlyList<string> Violations,
    int Score,
    DateTimeOffset CheckedAt);
