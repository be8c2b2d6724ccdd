namespace CommunityAI.Formats.Signing;

/// <summary>
/// The values a validator signs as the EIP-712 struct
/// <c>Review(address validator,bytes32 contributionId,uint16 score,string verdict,bytes32 salt,uint64 nonce,uint64 deadline)</c>:
/// the reveal of a <see cref="ReviewCommitPayload"/> (see <see cref="ReviewCommitment"/>).
/// </summary>
/// <param name="Validator">The validator's address, any case (mixed case must be a valid EIP-55 checksum).</param>
/// <param name="ContributionId">The reviewed contribution's id (its EIP-712 digest) as 0x-prefixed hex (32 bytes).</param>
/// <param name="Score">0–100; the signing layer signs any uint16, scoring enforces the range.</param>
/// <param name="Verdict"><c>accept</c> or <c>reject</c>; the signing layer signs any string, scoring enforces the list.</param>
/// <param name="Salt">The commitment's secret salt, 0x-prefixed hex (32 bytes).</param>
/// <param name="Nonce">Used once per signer.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ReviewPayload(
    string Validator,
    string ContributionId,
    ushort Score,
    string Verdict,
    string Salt,
    ulong Nonce,
    ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type =
        "Review(address validator,bytes32 contributionId,uint16 score,string verdict,bytes32 salt,uint64 nonce,uint64 deadline)";

    /// <summary>The version-1 type (no salt), recognised only to be refused.</summary>
    public const string Version1Type =
        "Review(address validator,bytes32 contributionId,uint16 score,string verdict,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "Review";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "validator";
    string ISignedMessage.Signer => Validator;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Validator, "validator").Bytes32(ContributionId, "contributionId").Uint(Score).String(Verdict, "verdict")
        .Bytes32(Salt, "salt").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => new Eip712Struct(Version1Type)
        .Address(Validator, "validator").Bytes32(ContributionId, "contributionId").Uint(Score).String(Verdict, "verdict")
        .Uint(Nonce).Uint(Deadline).Hash();
}
