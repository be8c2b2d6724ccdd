using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// The automated part of scoring: format and size rules per kind. Pure and versioned, so an auditor
/// recomputes the same number from the ContributionSubmitted event alone.
/// </summary>
public static class AutomatedScore
{
    public const string PolicyVersion = "automated-1";

    public static int Score(ContributionSubmitted contribution)
    {
        // Content we can hash ourselves (inline) is worth more than a bare pointer we cannot check.
        var score = contribution.ContentSize is > 0 ? 70 : 50;
        if (contribution.ContentUri.StartsWith("ipfs://", StringComparison.Ordinal) || contribution.ContentUri.StartsWith("ar://", StringComparison.Ordinal))
            score += 10; // content-addressed storage cannot change under the hash
        return Math.Clamp(score, 0, 100);
    }
}
