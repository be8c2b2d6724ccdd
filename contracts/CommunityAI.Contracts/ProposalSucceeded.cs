namespace CommunityAI.Contracts;

/// <summary>Voting ended with quorum and more For than Against. Recorded by governance in the proposal's stream, followed by <see cref="ProposalQueued"/>.</summary>
/// <param name="ProposalId">The proposal, 0x-hex.</param>
/// <param name="For">Weight For, decimal string.</param>
/// <param name="Against">Weight Against, decimal string.</param>
/// <param name="Abstain">Weight Abstain, decimal string.</param>
/// <param name="QuorumNeeded">For plus Abstain needed, decimal string.</param>
/// <param name="VotingEndedAt">When voting ended (after any late-quorum extension).</param>
public sealed record ProposalSucceeded(string ProposalId, string For, string Against, string Abstain, string QuorumNeeded, DateTimeOffset VotingEndedAt);
