namespace CommunityAI.Contracts;

/// <summary>
/// A contributor appealed the score of their own contribution, or a validator the score of a case whose first round it
/// reviewed, with a signed version-2 EIP-712 <c>Appeal</c>. Recorded by
/// quality-scoring in stream <c>scoring/{contributionId}</c>, in the same transaction as the second round
/// (<see cref="AppealReviewersAssigned"/>). A contribution is appealed at most once, within the appeal window after its score.
/// </summary>
/// <param name="AppealId">The EIP-712 digest of the signed Appeal, 0x-hex: it seeds the second round's draw.</param>
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
/// admitted. Null in appeals recorded before validators could appeal, which were all the contributor's.
/// </param>
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
}
