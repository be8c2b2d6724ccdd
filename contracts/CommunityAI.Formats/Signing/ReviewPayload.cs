namespace CommunityAI.Formats.Signing;

/// <summary>
/// The values a validator signs as the EIP-712 struct
/// <c>Review(address validator,bytes32 contributionId,uint16 score,string verdict,uint64 nonce,uint64 deadline)</c>.
/// </summary>
/// <param name="Validator">The validator's address, any case (mixed case must be a valid EIP-55 checksum).</param>
/// <param name="ContributionId">The reviewed contribution's id (its EIP-712 digest) as 0x-prefixed hex (32 bytes).</param>
/// <param name="Score">0–100; the signing layer signs any uint16, scoring enforces the range.</param>
/// <param name="Verdict"><c>accept</c> or <c>reject</c>; the signing layer signs any string, scoring enforces the list.</param>
/// <param name="Nonce">Used once per signer.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ReviewPayload(
    string Validator,
    string ContributionId,
    ushort Score,
    string Verdict,
    ulong Nonce,
    ulong Deadline);
