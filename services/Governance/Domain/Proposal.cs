using CommunityAI.Contracts;

namespace CommunityAI.Governance.Domain;

/// <summary>
/// A proposal as its stream tells it: what was proposed, the snapshot its weights come from, how many votes were
/// counted and the outcome. Built by Marten from the events of <c>governance/proposals/{id}</c> alone (an inline
/// snapshot), so it can be dropped and rebuilt from the history to the same document.
/// </summary>
/// <remarks>
/// The votes themselves are not in it: every vote rewrites this document, and when it carried them all, each vote
/// read and wrote every earlier one (the rate fell from 33/s to 12/s over 1,000 votes). Each vote is a row of its own
/// (<see cref="ProposalVote"/>) and the count runs on (<see cref="RunningTally"/>); the history keeps the votes.
/// </remarks>
public sealed record Proposal
{
    /// <summary>The stream key, <c>governance/proposals/{proposalId}</c>.</summary>
    public required string Id { get; init; }
    public required ProposalSubmitted Submitted { get; init; }
    /// <summary>How many votes the stream holds: a running tally that counted as many is up to date.</summary>
    public int VoteCount { get; init; }
    public ProposalSucceeded? Succeeded { get; init; }
    public ProposalDefeated? Defeated { get; init; }
    public ProposalQueued? Queued { get; init; }
    public ProposalVetoed? Vetoed { get; init; }
    public PolicyActivated? Activated { get; init; }

    /// <summary>True until the proposal is defeated, vetoed or activated: the closer looks only at these.</summary>
    public bool Open { get; init; } = true;

    public string ProposalId => Submitted.ProposalId;

    public ProposalTimeline Timeline => new(Submitted.SubmittedAt, Submitted.VotingStartsAt, Submitted.VotingEndsAt,
        Submitted.LateQuorumExtensionSeconds, Submitted.TimelockSeconds);

    public static string StreamKey(string proposalId) => "governance/proposals/" + proposalId;

    public static Proposal Create(ProposalSubmitted submitted) => new() { Id = StreamKey(submitted.ProposalId), Submitted = submitted };

    public Proposal Apply(VoteCast vote) => this with { VoteCount = VoteCount + 1 };

    public Proposal Apply(ProposalSucceeded succeeded) => this with { Succeeded = succeeded };

    public Proposal Apply(ProposalDefeated defeated) => this with { Defeated = defeated, Open = false };

    public Proposal Apply(ProposalQueued queued) => this with { Queued = queued };

    public Proposal Apply(ProposalVetoed vetoed) => this with { Vetoed = vetoed, Open = false };

    public Proposal Apply(PolicyActivated activated) => this with { Activated = activated, Open = false };
}
