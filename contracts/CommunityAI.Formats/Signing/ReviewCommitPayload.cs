namespace CommunityAI.Formats.Signing;

/// <summary>
/// A validator's sealed review: the EIP-712 struct
/// <c>ReviewCommit(address validator,bytes32 contributionId,bytes32 commitment,uint64 nonce,uint64 deadline)</c>,
/// where <c>commitment</c> is <see cref="ReviewCommitment.Compute"/> of the later <see cref="ReviewPayload"/>.
/// </summary>
/// <param name="Validator">The validator's address, any case.</param>
/// <param name="ContributionId">The reviewed contribution's id, 0x-prefixed hex (32 bytes).</param>
/// <param name="Commitment">keccak256(abi.encode(uint16 score, string verdict, bytes32 salt)), 0x-prefixed hex.</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ReviewCommitPayload(string Validator, string ContributionId, string Commitment, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type = "ReviewCommit(address validator,bytes32 contributionId,bytes32 commitment,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "ReviewCommit";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "validator";
    string ISignedMessage.Signer => Validator;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Validator, "validator").Bytes32(ContributionId, "contributionId").Bytes32(Commitment, "commitment")
        .Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}
