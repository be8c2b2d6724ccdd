namespace CommunityAI.Contracts;

/// <summary>
/// An assigned validator's signed review was accepted inside the review window. Recorded by quality-scoring in
/// stream <c>scoring/{contributionId}</c>. The signature is over the EIP-712 <c>Review</c> type, so anyone can
/// check that the validator made it.
/// </summary>
/// <param name="ContributionId">The reviewed contribution's id (0x-hex EIP-712 digest).</param>
/// <param name="Validator">The validator's EIP-55 address (the signer).</param>
/// <param name="Score">The validator's score, 0–100.</param>
/// <param name="Verdict"><c>accept</c> or <c>reject</c>.</param>
/// <param name="Nonce">The validator's nonce (uint64) as a decimal string.</param>
/// <param name="Deadline">Unix time in seconds after which the signature was no longer valid.</param>
/// <param name="Signature">The 65-byte EIP-712 signature, 0x-prefixed hex.</param>
/// <param name="ReceivedAt">When quality-scoring accepted it.</param>
/// <param name="Salt">
/// The salt of the version-2 <c>Review</c> (0x-prefixed 32-byte hex), needed to check its signature. Null on reviews signed
/// under version 1 of the signing formats. Optional (added in 1.3).
/// </param>
public sealed record ReviewSubmitted(
    string ContributionId,
    string Validator,
    int Score,
    string Verdict,
    string Nonce,
    long Deadline,
    string Signature,
    DateTimeOffset ReceivedAt,
    string? Salt = null);
