using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// The automated part of scoring: duplicate findings (looked up by the caller) plus the kind's size and format rules.
/// Pure, so an auditor recomputes the same result from the history (see <see cref="AutomatedChecksCompleted"/>).
/// </summary>
public static class AutomatedChecks
{
    /// <summary>The closest earlier text that shared an LSH band, and its estimated similarity.</summary>
    public sealed record NearestText(string ContributionId, double Similarity);

    public const int ViolationPenalty = 25;

    public static AutomatedChecksCompleted Run(
        ContributionSubmitted submitted, ScoringPolicyPublished policy, string? duplicateOf, NearestText? nearest, DateTimeOffset now)
    {
        var violations = Violations(submitted, policy);
        var nearDuplicateOf = nearest is { } n && n.Similarity >= policy.NearDuplicateThreshold ? n.ContributionId : null;
        var score = duplicateOf is not null || nearDuplicateOf is not null ? 0 : Score(submitted, violations.Count);
        return new AutomatedChecksCompleted(
            submitted.ContributionId, submitted.Contributor, submitted.Kind, submitted.ContentHash, submitted.ContentUri,
            submitted.ContentSize, submitted.Text?.Length, policy.Version, duplicateOf, nearDuplicateOf, nearest?.Similarity,
            violations, score, now);
    }

    /// <summary>Whether the text is long enough (normalised) to be compared with others.</summary>
    public static string? ComparableText(ContributionSubmitted submitted, ScoringPolicyPublished policy) =>
        submitted.Text is { } text && MinHash.Normalise(text) is var normalised && normalised.Length >= policy.MinTextLength
            ? normalised
            : null;

    private static List<string> Violations(ContributionSubmitted submitted, ScoringPolicyPublished policy)
    {
        var violations = new List<string>();
        if (!policy.Kinds.TryGetValue(submitted.Kind, out var rule))
        {
            violations.Add($"kind: {submitted.Kind} has no rules in policy {policy.Version}");
            return violations;
        }
        if (submitted.ContentSize is long size && size > rule.MaxBytes)
            violations.Add($"size: {size} bytes is more than {rule.MaxBytes} for {submitted.Kind}");
        if (submitted.ContentSize is 0)
            violations.Add("size: the inline content is empty");
        if (submitted.Text is { } text && text.Trim().Length < rule.MinTextLength)
            violations.Add($"text: {text.Trim().Length} characters is fewer than {rule.MinTextLength} for {submitted.Kind}");
        if (rule.RequireContentAddressed && !IsContentAddressed(submitted.ContentUri))
            violations.Add($"uri: {submitted.Kind} content must be content-addressed (ipfs:// or ar://)");
        return violations;
    }

    private static int Score(ContributionSubmitted submitted, int violations)
    {
        // Content we could hash ourselves (inline) is worth more than a bare pointer we cannot check.
        var score = submitted.ContentSize is > 0 ? 70 : 50;
        if (IsContentAddressed(submitted.ContentUri))
            score += 10; // content-addressed storage cannot change under the hash
        return Math.Clamp(score - ViolationPenalty * violations, 0, 100);
    }

    private static bool IsContentAddressed(string uri) =>
        uri.StartsWith("ipfs://", StringComparison.Ordinal) || uri.StartsWith("ar://", StringComparison.Ordinal);
}
