namespace CommunityAI.Formats.Signing;

/// <summary>
/// An appeal against a contribution's outcome: the EIP-712 struct
/// <c>Appeal(address appellant,bytes32 contributionId,string reason,uint64 nonce,uint64 deadline)</c>.
/// </summary>
/// <param name="Appellant">The appellant's address, any case.</param>
/// <param name="ContributionId">The contribution appealed, 0x-prefixed hex (32 bytes).</param>
/// <param name="Reason">Why, in the appellant's words.</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record AppealPayload(string Appellant, string ContributionId, string Reason, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type = "Appeal(address appellant,bytes32 contributionId,string reason,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "Appeal";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "appellant";
    string ISignedMessage.Signer => Appellant;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Appellant, "appellant").Bytes32(ContributionId, "contributionId").String(Reason, "reason")
        .Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}
