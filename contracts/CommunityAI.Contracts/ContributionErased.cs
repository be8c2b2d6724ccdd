namespace CommunityAI.Contracts;

/// <summary>
/// A contributor erased a contribution's content: its data key and ciphertext were destroyed (crypto-shredding) in the
/// same transaction that recorded this event in stream <c>contributions/{contributionId}</c>. The contribution's earlier
/// history (its hash, score and reward) stays, so every proof and replay still holds; only the content is gone.
/// Carries the signed EIP-712 <c>Erasure</c>, so anyone can check that the contributor asked for it.
/// </summary>
/// <param name="ContributionId">The erased contribution's id (0x-hex EIP-712 digest).</param>
/// <param name="Contributor">The contributor who signed the erasure, EIP-55 checksummed.</param>
/// <param name="Nonce">The erasure's nonce (uint64) as a decimal string.</param>
/// <param name="Deadline">Unix time in seconds after which the erasure signature was no longer valid.</param>
/// <param name="Signature">The 65-byte EIP-712 signature over the version-2 <c>Erasure</c>, 0x-prefixed hex.</param>
/// <param name="ErasedAt">When the content was destroyed.</param>
public sealed record ContributionErased(
    string ContributionId,
    string Contributor,
    string Nonce,
    long Deadline,
    string Signature,
    DateTimeOffset ErasedAt);
