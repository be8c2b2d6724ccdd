namespace CommunityAI.Formats.Signing;

/// <summary>
/// A dataset builder's request for the content of one of its snapshots: the EIP-712 struct
/// <c>DatasetExport(address builder,bytes32 root,uint64 nonce,uint64 deadline)</c>. A type of its own, so no other
/// signed request (a content read, an erasure) can be replayed as an export.
/// </summary>
/// <param name="Builder">The builder's address, any case; must be the snapshot's builder and still admitted.</param>
/// <param name="Root">The snapshot's Merkle root, 0x-prefixed hex (32 bytes).</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record DatasetExportPayload(string Builder, string Root, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type = "DatasetExport(address builder,bytes32 root,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "DatasetExport";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "builder";
    string ISignedMessage.Signer => Builder;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Builder, "builder").Bytes32(Root, "root").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}
