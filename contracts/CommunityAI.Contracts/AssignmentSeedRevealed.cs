namespace CommunityAI.Contracts;

/// <summary>
/// quality-scoring revealed the secret of one assignment round, ending it: contributions recorded after this event
/// belong to the next round. Recorded in stream <c>scoring/seeds</c>. Anyone can check SHA-256(secret) against the
/// round's <see cref="AssignmentSeedCommitted"/> and recompute every assignment of the round.
/// </summary>
/// <param name="Round">The round ended.</param>
/// <param name="Secret">The round's 32-byte secret, 0x-prefixed hex.</param>
/// <param name="RevealedAt">When the secret was revealed.</param>
public sealed record AssignmentSeedRevealed(long Round, string Secret, DateTimeOffset RevealedAt);
