namespace CommunityAI.Formats.Signing;

/// <summary>
/// A vote on a proposal: the EIP-712 struct
/// <c>Vote(address voter,bytes32 proposalId,uint8 support,string reason,uint64 nonce,uint64 deadline)</c>.
/// </summary>
/// <param name="Voter">The voter's address, any case.</param>
/// <param name="ProposalId">The proposal's id (its EIP-712 digest), 0x-prefixed hex.</param>
/// <param name="Support">0 against, 1 for, 2 abstain (OpenZeppelin Governor's convention); governance enforces the range.</param>
/// <param name="Reason">Optional reason, may be empty.</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record VotePayload(string Voter, string ProposalId, byte Support, string Reason, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type = "Vote(address voter,bytes32 proposalId,uint8 support,string reason,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "Vote";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "voter";
    string ISignedMessage.Signer => Voter;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Voter, "voter").Bytes32(ProposalId, "proposalId").Uint(Support).String(Reason, "reason")
        .Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}
