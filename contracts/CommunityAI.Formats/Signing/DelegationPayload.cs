namespace CommunityAI.Formats.Signing;

/// <summary>
/// A delegation of voting weight: the EIP-712 struct <c>Delegation(address delegator,address delegatee,uint64 nonce,uint64 deadline)</c>.
/// The zero address as delegatee revokes.
/// </summary>
/// <param name="Delegator">The delegating address, any case.</param>
/// <param name="Delegatee">Who receives the weight, any case; <see cref="Address.Zero"/> revokes.</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record DelegationPayload(string Delegator, string Delegatee, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type = "Delegation(address delegator,address delegatee,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "Delegation";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "delegator";
    string ISignedMessage.Signer => Delegator;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Delegator, "delegator").Address(Delegatee, "delegatee").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}
