namespace CommunityAI.Formats.Signing;

/// <summary>
/// The guardian's veto of a passed proposal during its timelock: the EIP-712 struct
/// <c>Veto(address guardian,bytes32 proposalId,string reason,uint64 nonce,uint64 deadline)</c>. The reason is signed, so the
/// public reason in the history is the guardian's own words.
/// </summary>
/// <param name="Guardian">The guardian's address, any case.</param>
/// <param name="ProposalId">The proposal's id (its EIP-712 digest), 0x-prefixed hex.</param>
/// <param name="Reason">Why, in words anyone can read; governance requires it to be non-empty.</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record VetoPayload(string Guardian, string ProposalId, string Reason, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type = "Veto(address guardian,bytes32 proposalId,string reason,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "Veto";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "guardian";
    string ISignedMessage.Signer => Guardian;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Guardian, "guardian").Bytes32(ProposalId, "proposalId").String(Reason, "reason").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}
