namespace CommunityAI.Formats.Signing;

/// <summary>
/// The values a contributor signs as the EIP-712 struct
/// <c>Contribution(address contributor,string kind,bytes32 contentHash,string contentUri,uint64 nonce,uint64 deadline)</c>.
/// Plain values, so the record compares by value and serialises as-is.
/// </summary>
/// <param name="Contributor">The contributor's address, any case (mixed case must be a valid EIP-55 checksum).</param>
/// <param name="Kind">One of <c>data</c>, <c>feedback</c>, <c>knowledge</c>, <c>model</c>; the signing layer signs any string, intake enforces the list.</param>
/// <param name="ContentHash">SHA-256 of the content bytes as 0x-prefixed hex (32 bytes).</param>
/// <param name="ContentUri">Where the content can be fetched.</param>
/// <param name="Nonce">Used once per signer.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ContributionPayload(
    string Contributor,
    string Kind,
    string ContentHash,
    string ContentUri,
    ulong Nonce,
    ulong Deadline);
