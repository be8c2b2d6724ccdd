using CommunityAI.Contracts;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// A closed epoch with the cumulative claims its root was built from, so proofs can be served without replaying
/// the ledger. Written in the transaction that records <see cref="EpochClosed"/>.
/// </summary>
public sealed record ClosedEpoch(long Id, EpochClosed Closed, IReadOnlyList<Claim> Claims);

/// <summary>An address's total earned up to and including an epoch, token base units as a decimal string.</summary>
public sealed record Claim(string Address, string Amount);
