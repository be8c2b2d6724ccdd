namespace CommunityAI.Formats.Signing;

/// <summary>
/// What a validator signs to register: the EIP-712 struct <c>ValidatorRegistration(address validator,uint64 nonce,uint64 deadline)</c>.
/// </summary>
/// <param name="Validator">The validator's address, any case (mixed case must be a valid EIP-55 checksum).</param>
/// <param name="Nonce">Used once per signer.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ValidatorRegistrationPayload(string Validator, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type (the same in version 1; only the domain changed).</summary>
    public const string Type = "ValidatorRegistration(address validator,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "ValidatorRegistration";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "validator";
    string ISignedMessage.Signer => Validator;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type).Address(Validator, "validator").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => HashStruct();
}
