using CommunityAI.Contracts;

namespace CommunityAI.Governance.Domain;

/// <summary>
/// One counted vote, keyed by proposal and voter: the key is the one-vote rule (a second vote by the same voter on the
/// same proposal cannot be stored, whichever replica records it), and looking up a voter or its delegators costs the
/// same however many have voted. Projected inline from each <see cref="VoteCast"/>, so it is rebuilt from the history.
/// </summary>
/// <param name="Version">The vote's place in the proposal's stream: the order the tally counts votes in.</param>
public sealed record ProposalVote(string Id, string ProposalId, string Voter, string VoteId, VoteSupport Support, string Weight,
    DateTimeOffset CastAt, long Version)
{
    public static string KeyFor(string proposalId, string voter) => $"{proposalId}/{voter}";

    public static ProposalVote Of(VoteCast vote, long version) =>
        new(KeyFor(vote.ProposalId, vote.Voter), vote.ProposalId, vote.Voter, vote.VoteId, (VoteSupport)vote.Support, vote.Weight, vote.CastAt, version);
}
