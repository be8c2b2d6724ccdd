namespace CommunityAI.Formats.Signing;

/// <summary>
/// A contributor's request to erase a contribution's content: the EIP-712 struct
/// <c>Erasure(address contributor,bytes32 contributionId,uint64 nonce,uint64 deadline)</c>.
/// </summary>
/// <param name="Contributor">The contributor's address, any case.</param>
/// <param name="ContributionId">The contribution whose content is to be erased, 0x-prefixed hex (32 bytes).</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ErasurePayload(string Contributor, string ContributionId, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type = "Erasure(address contributor,bytes32 contributionId,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "Erasure";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "contributor";
    string ISignedMessage.Signer => Contributor;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Contributor, "contributor").Bytes32(ContributionId, "contributionId").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}
