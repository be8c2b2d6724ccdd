namespace CommunityAI.Contracts;

/// <summary>
/// Validators were assigned to review a contribution. Recorded by quality-scoring in stream <c>scoring/{contributionId}</c>.
/// </summary>
/// <remarks>
/// Selection is deterministic: among the <paramref name="Candidates"/>, each gets the key ln(u) / reputation with
/// u = (first 8 bytes of SHA-256(seed ‖ validator address bytes) as a big-endian unsigned integer + 0.5) / 2^64, and the
/// <c>ReviewersPerContribution</c> highest keys are chosen (weighted sampling without replacement, Efraimidis–Spirakis),
/// ties broken by address. seed = SHA-256(round secret ‖ contributionId bytes), the secret being the one revealed by
/// <see cref="AssignmentSeedRevealed"/> for <paramref name="SeedRound"/>. Before contracts 1.4 (no seed round) the seed
/// was the contribution id itself, which its contributor could grind.
/// </remarks>
/// <param name="ContributionId">The contribution's id (0x-hex EIP-712 digest).</param>
/// <param name="Reviewers">The assigned validators with their reputation at assignment, which is their weight in the consensus.</param>
/// <param name="EligibleValidators">How many validators were eligible.</param>
/// <param name="Quorum">Reviews needed for a consensus: the policy's quorum, at most the number of reviewers.</param>
/// <param name="WindowClosesAt">Reviews are accepted until this instant; then the contribution is finalised.</param>
/// <param name="PolicyVersion">Scoring policy the contribution is finalised under.</param>
/// <param name="AssignedAt">When the reviewers were assigned.</param>
/// <param name="SeedRound">The assignment round whose secret seeded the choice. Optional (added in 1.4).</param>
/// <param name="Seed">SHA-256(round secret ‖ contributionId bytes), 0x-hex. Optional (added in 1.4).</param>
/// <param name="Candidates">
/// The validators drawn from, with their reputations: the eligible ones (registered, not the contributor, reputation above
/// zero) seen live within the policy's liveness window, or every eligible one when fewer than the reviewers needed are live.
/// Optional (added in 1.4).
/// </param>
/// <param name="CommitClosesAt">Commitments are accepted until this instant; reveals until <paramref name="WindowClosesAt"/>. Optional (added in 1.4).</param>
public sealed record ReviewersAssigned(
    string ContributionId,
    IReadOnlyList<AssignedReviewer> Reviewers,
    int EligibleValidators,
    int Quorum,
    DateTimeOffset WindowClosesAt,
    string PolicyVersion,
    DateTimeOffset AssignedAt,
    long? SeedRound = null,
    string? Seed = null,
    IReadOnlyList<AssignedReviewer>? Candidates = null,
    DateTimeOffset? CommitClosesAt = null);
