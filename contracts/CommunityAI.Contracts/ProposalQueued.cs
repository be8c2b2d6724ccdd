namespace CommunityAI.Contracts;

/// <summary>A passed proposal waits out its timelock; the guardian may veto it until <paramref name="ActivatesAt"/>.</summary>
/// <param name="ProposalId">The proposal, 0x-hex.</param>
/// <param name="ActivatesAt">When the timelock ends.</param>
public sealed record ProposalQueued(string ProposalId, DateTimeOffset ActivatesAt);
