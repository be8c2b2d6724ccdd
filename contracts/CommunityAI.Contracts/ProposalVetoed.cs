namespace CommunityAI.Contracts;

/// <summary>The guardian vetoed a queued proposal during its timelock, with a public reason. Recorded by governance in the proposal's stream.</summary>
/// <param name="ProposalId">The proposal, 0x-hex.</param>
/// <param name="Guardian">The guardian's EIP-55 address.</param>
/// <param name="Reason">Why, in words anyone can read.</param>
/// <param name="VetoedAt">When the veto was recorded.</param>
public sealed record ProposalVetoed(string ProposalId, string Guardian, string Reason, DateTimeOffset VetoedAt);
