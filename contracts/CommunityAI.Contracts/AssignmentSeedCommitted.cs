namespace CommunityAI.Contracts;

/// <summary>
/// quality-scoring committed, in advance, to the secret of one assignment round. Recorded in stream
/// <c>scoring/seeds</c>. Round r's commitment is recorded before round r begins (when round r − 2 is revealed, or at
/// the very first start for rounds 0 and 1), so the secret was fixed before any contribution assigned with it existed.
/// </summary>
/// <remarks>
/// A contribution belongs to round r when exactly r <see cref="AssignmentSeedRevealed"/> events precede its
/// <c>ContributionSubmitted</c> in the log. Its reviewers are drawn with seed = SHA-256(secret ‖ contribution id bytes)
/// (see <see cref="ReviewersAssigned"/>). The contributor signs before round r's secret is revealed, so it cannot
/// compute its reviewers when it signs, and the operator cannot change the secret after committing to it.
/// </remarks>
/// <param name="Round">The round, 0, 1, 2, …</param>
/// <param name="Commitment">SHA-256 of the round's 32-byte secret, 0x-prefixed hex.</param>
/// <param name="CommittedAt">When the commitment was recorded.</param>
public sealed record AssignmentSeedCommitted(long Round, string Commitment, DateTimeOffset CommittedAt);
