namespace CommunityAI.Contracts;

/// <summary>One validator assigned to review a contribution (part of <see cref="ReviewersAssigned"/>).</summary>
/// <param name="Validator">The validator's EIP-55 address.</param>
/// <param name="Reputation">The validator's reputation when assigned (0–1), its weight in the consensus.</param>
public sealed record AssignedReviewer(string Validator, decimal Reputation);
