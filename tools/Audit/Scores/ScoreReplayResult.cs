using System.Globalization;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.Replay;

namespace CommunityAI.Audit.Scores;

/// <summary>What recomputing every ContributionScored from the history found.</summary>
/// <param name="Scored">ContributionScored events read.</param>
/// <param name="RecomputedEqual">Of those, the ones the history reproduces exactly (no finding at that event).</param>
/// <param name="ByConsensus">Scored by the validators' consensus.</param>
/// <param name="Fallback">Scored by the policy's fallback (no validators, no quorum).</param>
/// <param name="Duplicate">Refused as exact or near duplicates.</param>
/// <param name="WithoutComponents">Written before scores carried their components (contracts 1.0): counted, nothing to recompute.</param>
/// <param name="Findings">Every difference, at the log index of the event it concerns.</param>
internal sealed record ScoreReplayResult(
    int Scored, int RecomputedEqual, int ByConsensus, int Fallback, int Duplicate, int WithoutComponents,
    IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("scores recomputed", ["scored", "recomputed equal", "by consensus", "fallback", "duplicate", "without components", "findings"],
            [[I(Scored), I(RecomputedEqual), I(ByConsensus), I(Fallback), I(Duplicate), I(WithoutComponents), I(Findings.Count)]]);
        console.Findings("score findings", Findings);
    }
}
