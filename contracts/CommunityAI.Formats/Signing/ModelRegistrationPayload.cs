namespace CommunityAI.Formats.Signing;

/// <summary>
/// A dataset builder's record of a model trained on a snapshot: the EIP-712 struct
/// <c>ModelRegistration(address builder,bytes32 root,string name,string weightsUri,bytes32 weightsHash,uint64 nonce,uint64 deadline)</c>.
/// Its digest is the registration's id. A type of its own, so no export or snapshot request can be replayed as one.
/// </summary>
/// <param name="Builder">The builder's address, any case; must be an admitted dataset builder.</param>
/// <param name="Root">The snapshot the model was trained on: its Merkle root, 0x-prefixed hex (32 bytes).</param>
/// <param name="Name">The model's name, as the builder calls it.</param>
/// <param name="WeightsUri">Where the weights can be fetched (an absolute URI).</param>
/// <param name="WeightsHash">The SHA-256 of the weights file, 0x-prefixed hex (32 bytes), so anyone can tell the weights apart.</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ModelRegistrationPayload(string Builder, string Root, string Name, string WeightsUri, string WeightsHash, ulong Nonce, ulong Deadline)
    : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type = "ModelRegistration(address builder,bytes32 root,string name,string weightsUri,bytes32 weightsHash,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "ModelRegistration";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "builder";
    string ISignedMessage.Signer => Builder;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Builder, "builder").Bytes32(Root, "root").String(Name, "name").String(WeightsUri, "weightsUri")
        .Bytes32(WeightsHash, "weightsHash").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}
