namespace CommunityAI.Formats.Signing;

/// <summary>
/// A reader's request for a contribution's content from the contributions service's encrypted store: the EIP-712 struct
/// <c>ContentRead(address reader,bytes32 contributionId,uint64 nonce,uint64 deadline)</c>. Only the validators assigned
/// to the contribution may read it, and only while its review is open.
/// </summary>
/// <param name="Reader">The reader's address, any case (mixed case must be a valid EIP-55 checksum).</param>
/// <param name="ContributionId">The contribution whose content is read, 0x-prefixed hex (32 bytes).</param>
/// <param name="Nonce">Used once per signer and type, so a captured request cannot be replayed.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ContentReadPayload(string Reader, string ContributionId, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type = "ContentRead(address reader,bytes32 contributionId,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "ContentRead";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "reader";
    string ISignedMessage.Signer => Reader;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Reader, "reader").Bytes32(ContributionId, "contributionId").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}
