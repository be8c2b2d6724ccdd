namespace CommunityAI.Contracts;

/// <summary>
/// A contributor appealed the score of their own contribution, or a validator the score of a case whose first round it
/// reviewed, with a signed version-2 EIP-712 <c>Appeal</c>; or the case was drawn for an audit round (role <c>audit</c>,
/// unsigned, added in 1.7). Recorded by
/// quality-scoring in stream <c>scoring/{contributionId}</c>, in the same transaction as the second round
/// (<see cref="AppealReviewersAssigned"/>). A contribution is appealed at most once, within the appeal window after its score.
/// </summary>
/// <param name="AppealId">
/// The EIP-712 digest of the signed Appeal, 0x-hex: it seeds the second round's draw. For an audit, SHA-256("audit" ‖
/// contributionId bytes).
/// </param>
/// <param name="ContributionId">The contribution appealed, 0x-hex.</param>
/// <param name="Appellant">The signer (EIP-55): the contributor, or a first-round reviewer (<paramref name="AppellantRole"/>).</param>
/// <param name="Reason">Why, in the appellant's words (signed).</param>
/// <param name="Nonce">The Appeal's nonce, as a decimal string (uint64).</param>
/// <param name="Deadline">The Appeal's deadline, Unix seconds.</param>
/// <param name="Signature">The appellant's 65-byte signature, 0x-hex.</param>
/// <param name="AppealedScore">The score appealed (the first round's <see cref="ContributionScored.Score"/>).</param>
/// <param name="FiledAt">When the appeal was accepted.</param>
/// <param name="AppellantRole">
/// <c>contributor</c>, or <c>reviewer</c>: a validator assigned to the first round that revealed a review there and is still
/// admitted, or <c>audit</c>. Null in appeals recorded before validators could appeal, which were all the contributor's.
/// </param>
/// <remarks>
/// An audit round is filed by quality-scoring itself, in the same transaction as the first round's
/// <see cref="ContributionScored"/>, for exactly the cases the scoring policy's <see cref="ScoringPolicyPublished.AuditBasisPoints"/>
/// draws: a case whose score came from a consensus is audited when the first 8 bytes of SHA-256(secret ‖ appealId bytes), a
/// big-endian unsigned integer, modulo 10,000 are below it, the secret being the one of the assignment round in progress
/// when the score was recorded (the number of <see cref="AssignmentSeedRevealed"/> before the <see cref="ContributionScored"/>);
/// that seed also draws the panel. Its appellant is the zero address, its reason <c>audit</c>, nonce <c>0</c>, deadline 0
/// and signature empty; nobody is left out of the panel for having appealed. It is decided and settled as any appeal.
/// </remarks>
public sealed record AppealFiled(
    string AppealId,
    string ContributionId,
    string Appellant,
    string Reason,
    string Nonce,
    long Deadline,
    string Signature,
    int AppealedScore,
    DateTimeOffset FiledAt,
    string? AppellantRole = null)
{
    /// <summary><see cref="AppellantRole"/> of the contributor's appeal.</summary>
    public const string Contributor = "contributor";
    /// <summary><see cref="AppellantRole"/> of a first-round reviewer's appeal.</summary>
    public const string Reviewer = "reviewer";
    /// <summary><see cref="AppellantRole"/> of an audit round, filed by quality-scoring (added in 1.7).</summary>
    public const string Audit = "audit";
    /// <summary><see cref="Appellant"/> of an audit round: nobody's, the zero address.</summary>
    public const string AuditAppellant = "0x0000000000000000000000000000000000000000";
}
