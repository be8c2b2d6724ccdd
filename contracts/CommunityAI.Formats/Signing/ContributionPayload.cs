namespace CommunityAI.Formats.Signing;

/// <summary>
/// The values a contributor signs as the EIP-712 struct
/// <c>Contribution(address contributor,string kind,bytes32 contentHash,string contentUri,string licence,uint64 nonce,uint64 deadline)</c>.
/// Its digest, as 0x-prefixed hex, is the contribution's id.
/// </summary>
/// <param name="Contributor">The contributor's address, any case (mixed case must be a valid EIP-55 checksum).</param>
/// <param name="Kind">One of <c>data</c>, <c>feedback</c>, <c>knowledge</c>, <c>model</c>; the signing layer signs any string, intake enforces the list.</param>
/// <param name="ContentHash">SHA-256 of the content bytes as 0x-prefixed hex (32 bytes).</param>
/// <param name="ContentUri">Where the content can be fetched.</param>
/// <param name="Licence">An SPDX licence identifier (e.g. <c>CC-BY-4.0</c>); intake enforces the allowed list.</param>
/// <param name="Nonce">Used once per signer.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ContributionPayload(
    string Contributor,
    string Kind,
    string ContentHash,
    string ContentUri,
    string Licence,
    ulong Nonce,
    ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type =
        "Contribution(address contributor,string kind,bytes32 contentHash,string contentUri,string licence,uint64 nonce,uint64 deadline)";

    /// <summary>The version-1 type (no licence), recognised only to be refused.</summary>
    public const string Version1Type =
        "Contribution(address contributor,string kind,bytes32 contentHash,string contentUri,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "Contribution";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "contributor";
    string ISignedMessage.Signer => Contributor;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Contributor, "contributor").String(Kind, "kind").Bytes32(ContentHash, "contentHash")
        .String(ContentUri, "contentUri").String(Licence, "licence").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => new Eip712Struct(Version1Type)
        .Address(Contributor, "contributor").String(Kind, "kind").Bytes32(ContentHash, "contentHash")
        .String(ContentUri, "contentUri").Uint(Nonce).Uint(Deadline).Hash();
}
