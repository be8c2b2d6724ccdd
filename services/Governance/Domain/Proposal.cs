using CommunityAI.Contracts;

namespace CommunityAI.Governance.Domain;

/// <summary>
/// A proposal as its stream tells it: what was proposed, the snapshot its weights come from, every counted vote and
/// the outcome. Built by Marten from the events of <c>governance/proposals/{id}</c> alone (an inline snapshot), so it
/// can be dropped and rebuilt from the history to the same document.
/// </summary>
public sealed record Proposal
{
    /// <summary>The stream key, <c>governance/proposals/{proposalId}</c>.</summary>
    public required string Id { get; init; }
    public required ProposalSubmitted Submitted { get; init; }
    public IReadOnlyList<CastVoteRecord> Votes { get; init; } = [];
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

    public IEnumerable<CastVote> CastVotes => Votes.Select(v => new CastVote(v.Voter, (VoteSupport)v.Support, v.CastAt));

    public bool HasVoted(string voter) => Votes.Any(v => v.Voter == voter);

    public static string StreamKey(string proposalId) => "governance/proposals/" + proposalId;

    public static Proposal Create(ProposalSubmitted submitted) => new() { Id = StreamKey(submitted.ProposalId), Submitted = submitted };

    public Proposal Apply(VoteCast vote) => this with
    {
        Votes = [.. Votes, new CastVoteRecord(vote.VoteId, vote.Voter, vote.Support, vote.Reason, vote.Weight, vote.CastAt)],
    };

    public Proposal Apply(ProposalSucceeded succeeded) => this with { Succeeded = succeeded };

    public Proposal Apply(ProposalDefeated defeated) => this with { Defeated = defeated, Open = false };

    public Proposal Apply(ProposalQueued queued) => this with { Queued = queued };

    public Proposal Apply(ProposalVetoed vetoed) => this with { Vetoed = vetoed, Open = false };

    public Proposal Apply(PolicyActivated activated) => this with { Activated = activated, Open = false };
}

/// <summary>A counted vote as the proposal keeps it (the weight is the one counted when it was cast).</summary>
public sealed record CastVoteRecord(string VoteId, string Voter, int Support, string Reason, string Weight, DateTimeOffset CastAt);
