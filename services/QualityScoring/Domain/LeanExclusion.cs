using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Stops drawing a validator for a contributor it favours (rule in <see cref="ScoringPolicyPublished.LeanExclusionPoints"/>):
/// a colluder scoring its partner's work just inside the clip is never clipped, never appealed, and too rare a case for
/// audits to reach at a price worth paying (README, "Review under attack"), but its lean toward the partner shows in the
/// public record after two such cases. From then on it is simply not a candidate for that contributor: no extra review
/// work, no pay moved, and the validator keeps its other cases. Pure: the caller reads the contributor's tallies
/// (<see cref="ReviewerLean"/>) under the contributor's lean lock, which every close that adds to them holds exclusively,
/// so the tallies a draw reads are those of the scores recorded before it and an auditor sums the same.
/// </summary>
/// <remarks>
/// Only a lean above the consensus excludes. A reviewer below it harms the contributor, who can appeal; and a majority
/// inflating a case would push an honest minority's tally down, so counting that way would let inflators shut honest
/// reviewers out of their partner's cases. Tallies count only reviews the consensus kept, as <see cref="LeanAudit"/> does.
/// </remarks>
public static class LeanExclusion
{
    /// <summary>The points of a policy recorded before the rule: nobody is excluded.</summary>
    public const int None = 0;

    /// <summary>Whether closes under <paramref name="policy"/> add to the tallies: when either rule that reads them is on.</summary>
    public static bool Counts(ScoringPolicyPublished policy) =>
        (policy.LeanAuditPoints ?? LeanAudit.None) > 0 || (policy.LeanExclusionPoints ?? None) > 0;

    /// <summary>The validators who favour the contributor of <paramref name="tallies"/> by at least <paramref name="points"/> (lowercase).</summary>
    public static IReadOnlySet<string> Excluded(IEnumerable<ReviewerLean> tallies, int points) =>
        tallies.Where(t => t.Favours(points)).Select(t => t.Reviewer.ToLowerInvariant()).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary><paramref name="validators"/> without the <paramref name="excluded"/> ones, for <see cref="ReviewerSelection.Candidates"/>.</summary>
    public static IEnumerable<ReviewerSelection.Validator> Drawable(IEnumerable<ReviewerSelection.Validator> validators, IReadOnlySet<string> excluded) =>
        excluded.Count == 0 ? validators : validators.Where(v => !excluded.Contains(v.Address));
}
