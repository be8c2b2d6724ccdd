namespace CommunityAI.Formats.Signing;

/// <summary>
/// A governance proposal: the EIP-712 struct
/// <c>Proposal(address proposer,string kind,string title,bytes32 bodyHash,bytes32 payloadHash,uint64 nonce,uint64 deadline)</c>.
/// Its digest is the proposal id.
/// </summary>
/// <param name="Proposer">The proposer's address, any case.</param>
/// <param name="Kind">One of <c>scoring-policy</c>, <c>reward-policy</c>, <c>governance-parameters</c>, <c>validator-admission</c>,
/// <c>validator-removal</c>, <c>contribution-invalidation</c>, <c>dataset-builder-admission</c>, <c>dataset-builder-removal</c>; governance enforces the list.</param>
/// <param name="Title">A short title.</param>
/// <param name="BodyHash">SHA-256 of the UTF-8 body, 0x-prefixed hex.</param>
/// <param name="PayloadHash">SHA-256 of the RFC 8785 canonical JSON payload, 0x-prefixed hex.</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ProposalPayload(
    string Proposer, string Kind, string Title, string BodyHash, string PayloadHash, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type =
        "Proposal(address proposer,string kind,string title,bytes32 bodyHash,bytes32 payloadHash,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "Proposal";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "proposer";
    string ISignedMessage.Signer => Proposer;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Proposer, "proposer").String(Kind, "kind").String(Title, "title").Bytes32(BodyHash, "bodyHash")
        .Bytes32(PayloadHash, "payloadHash").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}
