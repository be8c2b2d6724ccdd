namespace CommunityAI.Contracts;

/// <summary>
/// An assigned validator sealed its review inside the commit window: only the commitment is public until the case's
/// reveal window closes. Recorded by quality-scoring in stream <c>scoring/{contributionId}</c>. The signature is over
/// the EIP-712 <c>ReviewCommit</c> type, so anyone can check that the validator made it; the later
/// <see cref="ReviewSubmitted"/> (the reveal) must satisfy
/// commitment = keccak256(abi.encode(uint16 score, string verdict, bytes32 salt)).
/// </summary>
/// <param name="ContributionId">The reviewed contribution's id (0x-hex EIP-712 digest).</param>
/// <param name="Validator">The validator's EIP-55 address (the signer).</param>
/// <param name="Commitment">The sealed review, 0x-prefixed 32-byte hex.</param>
/// <param name="Nonce">The validator's <c>ReviewCommit</c> nonce (uint64) as a decimal string.</param>
/// <param name="Deadline">Unix time in seconds after which the signature was no longer valid.</param>
/// <param name="Signature">The 65-byte EIP-712 signature, 0x-prefixed hex.</param>
/// <param name="CommittedAt">When quality-scoring accepted it.</param>
public sealed record ReviewCommitted(
    string ContributionId,
    string Validator,
    string Commitment,
    string Nonce,
    long Deadline,
    string Signature,
    DateTimeOffset CommittedAt);
