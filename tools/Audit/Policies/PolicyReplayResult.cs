using System.Globalization;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.Replay;

namespace CommunityAI.Audit.Policies;

/// <summary>What recomputing policies and governance from the history found.</summary>
/// <param name="RewardPolicies">Reward policies on record, in log order, with the proposal each applies (none for genesis).</param>
/// <param name="CreditsChecked">Credits whose policy (and, where the score is in the history, amount) was recomputed.</param>
/// <param name="Tallies">Each decided proposal: the outcome recorded and the one recomputed.</param>
/// <param name="Findings">Every difference, at the log index of the event it concerns.</param>
internal sealed record PolicyReplayResult(
    IReadOnlyList<PolicyInForce> RewardPolicies, int CreditsChecked, IReadOnlyList<TallyReplay> Tallies, IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string L(long n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("reward policies", ["log index", "version", "from epoch", "proposal", "credits"],
            RewardPolicies.Select(p => new[] { L(p.Index), L(p.Version), L(p.EffectiveFromEpoch), p.ProposalId ?? "genesis", L(p.Credits) }));
        console.Table("governance tallies", ["log index", "proposal", "kind", "recorded", "recomputed", "for", "against", "abstain", "match"],
            Tallies.Select(t => new[] { L(t.Index), t.ProposalId, t.Kind, t.Recorded, t.Recomputed, t.For, t.Against, t.Abstain, t.Matches ? "yes" : "NO" }));
        console.Findings("policy and governance findings", Findings);
    }
}

/// <summary>A reward policy on record: its version, the first epoch it applies to, the proposal it came from.</summary>
internal sealed record PolicyInForce(long Index, long Version, long EffectiveFromEpoch, string? ProposalId, int Credits);

/// <summary>One proposal's recomputed tally against what governance recorded.</summary>
internal sealed record TallyReplay(long Index, string ProposalId, string Kind, string Recorded, string Recomputed, string For, string Against, string Abstain, bool Matches);
