namespace CommunityAI.Contracts;

/// <summary>
/// Validators were assigned to review a contribution. Recorded by quality-scoring in stream <c>scoring/{contributionId}</c>.
/// </summary>
/// <remarks>
/// Selection is deterministic: among the eligible validators (registered, not the contributor), each gets the key
/// ln(u) / reputation with u = (first 8 bytes of SHA-256(contributionId bytes ‖ validator address bytes) as a big-endian
/// unsigned integer + 0.5) / 2^64, and the <c>ReviewersPerContribution</c> highest keys are chosen (weighted sampling
/// without replacement, Efraimidis–Spirakis), ties broken by address.
/// </remarks>
/// <param name="ContributionId">The contribution's id (0x-hex EIP-712 digest).</param>
/// <param name="Reviewers">The assigned validators with their reputation at assignment, which is their weight in the consensus.</param>
/// <param name="EligibleValidators">How many validators were eligible.</param>
/// <param name="Quorum">Reviews needed for a consensus: the policy's quorum, at most the number of reviewers.</param>
/// <param name="WindowClosesAt">Reviews are accepted until this instant; then the contribution is finalised.</param>
/// <param name="PolicyVersion">Scoring policy the contribution is finalised under.</param>
/// <param name="AssignedAt">When the reviewers were assigned.</param>
public sealed record ReviewersAssigned(
    string ContributionId,
    IReadOnlyList<AssignedReviewer> Reviewers,
    int EligibleValidators,
    int Quorum,
    DateTimeOffset WindowClosesAt,
    string PolicyVersion,
    DateTimeOffset AssignedAt);
