namespace CommunityAI.Contracts;

/// <summary>
/// A validator registered with a signed request. Recorded by quality-scoring in stream <c>scoring/validators/{address}</c>.
/// </summary>
/// <remarks>
/// The signature is EIP-712 typed data in the CommunityAI domain
/// <c>{ name: "CommunityAI", version: "2", chainId, verifyingContract }</c> (version 1, before 1.3: <c>{ name, version: "1", chainId }</c>)
/// over <c>ValidatorRegistration(address validator,uint64 nonce,uint64 deadline)</c>.
/// </remarks>
/// <param name="Validator">The validator's EIP-55 address (the signer).</param>
/// <param name="Reputation">Starting reputation (0–1) under the policy in force.</param>
/// <param name="Nonce">The validator's nonce (uint64) as a decimal string.</param>
/// <param name="Deadline">Unix time in seconds after which the signature was no longer valid.</param>
/// <param name="Signature">The 65-byte EIP-712 signature, 0x-prefixed hex.</param>
/// <param name="PolicyVersion">Scoring policy that set the starting reputation.</param>
/// <param name="RegisteredAt">When quality-scoring accepted the registration.</param>
public sealed record ValidatorRegistered(
    string Validator,
    decimal Reputation,
    string Nonce,
    long Deadline,
    string Signature,
    string PolicyVersion,
    DateTimeOffset RegisteredAt);
