using CommunityAI.Contracts;
using CommunityAI.Formats;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Draws a replacement for a reviewer who did not commit in time or was removed (rule in <see cref="ReviewerReassigned"/>):
/// from the case's own public seed, among validators never assigned to the case, live ones preferred. Pure, so the same
/// case and validators always give the same replacement and an auditor recomputes it from the recorded candidates.
/// </summary>
public static class Reassignment
{
    /// <summary><see cref="ReviewerReassigned.Reason"/>: no commitment when the commit window closed.</summary>
    public const string Absent = "absent";
    /// <summary><see cref="ReviewerReassigned.Reason"/>: the reviewer was removed.</summary>
    public const string Removed = "removed";

    /// <summary>The replacement, or null when the case has no seed (assigned before seed rounds) or nobody is left to draw.</summary>
    /// <param name="validators">Admitted, registered validators as selection sees them.</param>
    /// <param name="commitWindow">The replacement's time to commit; the deadlines only ever move later.</param>
    /// <param name="maxPerEpoch">The cap on assignments per validator per epoch; 0 for none.</param>
    public static ReviewerReassigned? Replace(ScoringCase @case, string replaced, string reason, int round,
        IEnumerable<ReviewerSelection.Validator> validators, DateTimeOffset liveSince, TimeSpan commitWindow, DateTimeOffset now,
        int maxPerEpoch = 0)
    {
        if (@case.Assignment is not { Seed: { } seed, CommitClosesAt: { } commitClosesAt } assignment)
            return null;
        var used = @case.EverAssigned;
        var candidates = ReviewerSelection.Candidates(@case.Contributor, validators.Where(v => !used.Contains(v.Address)), 1, liveSince, maxPerEpoch);
        var chosen = ReviewerSelection.Select(Hex.Decode(seed, 32), candidates, 1);
        if (chosen.Count == 0)
            return null;
        // The reveals keep the time they had after the commit deadline.
        var revealTime = assignment.WindowClosesAt - commitClosesAt;
        var commitCloses = Max(commitClosesAt, now + commitWindow);
        return new ReviewerReassigned(@case.Id, replaced, chosen[0], reason, round, candidates, commitCloses,
            Max(assignment.WindowClosesAt, commitCloses + revealTime), now);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
