using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Audits aimed at collusion nobody can see in one case (rule in <see cref="ScoringPolicyPublished.LeanAuditPoints"/>): a
/// reviewer who scores one contributor's work above (or below) the consensus, case after case, each time within the
/// clipping distance, is never clipped and never appealed, and a random audit reaches few of its cases. Its lean shows in
/// the public record without knowing who owns which address: the mean of its score minus the consensus over its reviews
/// of that contributor. When a case's first round closes, each revealed review the consensus did not clip (what the clip
/// lets through is what this rule watches; a clipped one already lost its pay) is added to its reviewer's tally for the
/// case's contributor, and the case is audited, whatever the draw, when any reviewer's tally then leans by at least the
/// policy's points on average over at least <see cref="MinCases"/> cases (this one included). Pure: the caller loads the
/// tallies under the reviewers' locks and stores what this returns.
/// </summary>
/// <remarks>
/// Honest noise averages out and one case is not enough (a single review far off is the clip's business), so the rule
/// wants two cases; a colluder inflating by most of the clip distance leans by about three quarters of it. Keyed by
/// reviewer and contributor, not by pairs of reviewers: two reviewers of one party rarely share a case (three of thirty-six
/// validators share about one case in two hundred), while a reviewer meets a contributor it favours every few of its cases.
/// </remarks>
public static class LeanAudit
{
    /// <summary>The points of a policy recorded before targeted audits: none.</summary>
    public const int None = 0;

    /// <summary>A reviewer's reviews of one contributor before a lean counts.</summary>
    public const int MinCases = 2;

    /// <summary>The <see cref="AppealFiled.Reason"/> of an audit round opened for a lean the random draw did not pick.</summary>
    public const string Reason = "lean";

    /// <summary>
    /// Every revealed first-round reviewer's tally toward the case's contributor with this case added, for the reviews the
    /// consensus counted (a clipped review already lost its pay and reputation, and is not what this rule is for); empty
    /// for a score that is no consensus. <paramref name="before"/> holds the tallies on record (a reviewer without one starts at zero).
    /// </summary>
    public static IReadOnlyList<ReviewerLean> Tally(ContributionScored scored, IReadOnlyDictionary<string, ReviewerLean> before)
    {
        if (scored.Fallback is not null || scored.Components?.ConsensusScore is not { } consensus)
            return [];
        return [.. (scored.Reviews ?? []).Where(r => !r.Clipped).Select(r =>
        {
            var id = ReviewerLean.IdFor(r.Validator, scored.Contributor);
            var tally = before.TryGetValue(id, out var found) ? found : ReviewerLean.None(r.Validator, scored.Contributor);
            return tally.Add(r.Score - consensus);
        })];
    }

    /// <summary>True when a tally after the case leans by <paramref name="points"/> (0 for none).</summary>
    public static bool Targets(IEnumerable<ReviewerLean> after, int points) => after.Any(t => t.Leans(points));
}
