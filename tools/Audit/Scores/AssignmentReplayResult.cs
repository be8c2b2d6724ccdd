using System.Globalization;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.Replay;

namespace CommunityAI.Audit.Scores;

/// <summary>What recomputing assignments and checking sealed reviews found.</summary>
/// <param name="Assigned">ReviewersAssigned events read.</param>
/// <param name="Recomputed">Seeded assignments whose reviewers the revealed seed and the candidates reproduce.</param>
/// <param name="Unseeded">Assignments recorded before seed rounds (contracts before 1.4): counted, nothing to recompute.</param>
/// <param name="Pending">Seeded assignments whose round is not revealed yet: nobody can recompute them until it is.</param>
/// <param name="RoundsRevealed">Seed rounds revealed.</param>
/// <param name="Commitments">ReviewCommitted events read.</param>
/// <param name="Reveals">Reviews of commit-reveal cases checked against their commitments.</param>
/// <param name="Findings">Every difference, at the log index of the event it concerns.</param>
internal sealed record AssignmentReplayResult(
    int Assigned, int Recomputed, int Unseeded, int Pending, int RoundsRevealed, int Commitments, int Reveals,
    IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("assignments and sealed reviews", ["assigned", "recomputed", "unseeded", "pending round", "rounds revealed", "commitments", "reveals", "lean-checked draws", "findings"],
            [[I(Assigned), I(Recomputed), I(Unseeded), I(Pending), I(RoundsRevealed), I(Commitments), I(Reveals), I(LeanChecked), I(Findings.Count)]]);
        console.Table("validator admission", ["admitted now", "admissions", "removals", "activations pending", "reassignments"],
            [[I(Admitted), I(Admissions), I(Removals), I(PendingActivations), I(Reassigned)]]);
        console.Findings("assignment findings", Findings);
    }

    /// <summary>ReviewerReassigned events checked (replacement drawn again from the case's seed and candidates).</summary>
    public int Reassigned { get; init; }
    /// <summary>Draws (first rounds and their replacements) under a policy with <c>leanExclusionPoints</c>, whose candidates were checked for a favouring reviewer.</summary>
    public int LeanChecked { get; init; }
    /// <summary>Validators admitted at the end of the history, recomputed from the genesis set and governance's activations.</summary>
    public int Admitted { get; init; }
    /// <summary>ValidatorAdmitted events matched with their activation.</summary>
    public int Admissions { get; init; }
    /// <summary>ValidatorRemoved events matched with their activation.</summary>
    public int Removals { get; init; }
    /// <summary>Admission or removal activations after the last admission event: whether they were applied yet cannot be told.</summary>
    public int PendingActivations { get; init; }
}
