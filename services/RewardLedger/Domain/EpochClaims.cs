using CommunityAI.Contracts;
using CommunityAI.Formats.Claims;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>A closed epoch as the history records it, and its claim tree rebuilt from the history's credits.</summary>
/// <param name="Closed">The ledger's <see cref="EpochClosed"/> event.</param>
/// <param name="Tree">The tree whose root is <see cref="EpochClosed.ClaimRoot"/>; null while no address has earned anything.</param>
public sealed record EpochClaims(EpochClosed Closed, ClaimTree? Tree);
