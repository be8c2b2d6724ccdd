namespace CommunityAI.Contracts;

/// <summary>Voting ended without quorum or without more For than Against. Recorded by governance in the proposal's stream.</summary>
/// <param name="ProposalId">The proposal, 0x-hex.</param>
/// <param name="For">Weight For, decimal string.</param>
/// <param name="Against">Weight Against, decimal string.</param>
/// <param name="Abstain">Weight Abstain, decimal string.</param>
/// <param name="QuorumNeeded">For plus Abstain needed, decimal string.</param>
/// <param name="Reason">"quorum not reached" or "for did not exceed against".</param>
/// <param name="VotingEndedAt">When voting ended (after any late-quorum extension).</param>
public sealed record ProposalDefeated(string ProposalId, string For, string Against, string Abstain, string QuorumNeeded, string Reason, DateTimeOffset VotingEndedAt);
