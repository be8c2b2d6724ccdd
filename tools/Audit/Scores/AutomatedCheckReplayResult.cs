using System.Globalization;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.Replay;

namespace CommunityAI.Audit.Scores;

/// <summary>What recomputing every AutomatedChecksCompleted from its inputs found.</summary>
/// <param name="Checks">AutomatedChecksCompleted events read.</param>
/// <param name="RecomputedEqual">Of those with a submission, the ones the history reproduces exactly.</param>
/// <param name="WithoutSubmission">Checks with no ContributionSubmitted before them: no inputs to recompute, only counted.</param>
/// <param name="Duplicates">Checks naming an exact duplicate's original.</param>
/// <param name="NearDuplicates">Checks naming a near duplicate.</param>
/// <param name="Findings">Every difference, at the log index of the event it concerns.</param>
internal sealed record AutomatedCheckReplayResult(int Checks, int RecomputedEqual, int WithoutSubmission, int Duplicates, int NearDuplicates,
    IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("automated checks recomputed", ["checks", "recomputed equal", "without submission", "duplicates", "near duplicates", "findings"],
            [[I(Checks), I(RecomputedEqual), I(WithoutSubmission), I(Duplicates), I(NearDuplicates), I(Findings.Count)]]);
        console.Findings("automated check findings", Findings);
    }
}
