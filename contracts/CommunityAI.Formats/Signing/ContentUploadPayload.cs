namespace CommunityAI.Formats.Signing;

/// <summary>
/// A contributor's request to open an upload in parts for content too large to send inline: the EIP-712 struct
/// <c>ContentUpload(address contributor,bytes32 contentHash,uint64 size,uint32 partSize,bytes32 partsHash,uint64 nonce,uint64 deadline)</c>.
/// The content is cut into parts of <see cref="PartSize"/> bytes (the last one shorter); <see cref="PartsHash"/> is
/// the SHA-256 of the parts' SHA-256 hashes concatenated in order, so the signature fixes every part's bytes in advance
/// and nobody else can put anything into the upload. The upload's id is this struct's EIP-712 digest.
/// </summary>
/// <param name="Contributor">The contributor's address, any case; the upload belongs to this signer.</param>
/// <param name="ContentHash">SHA-256 of the whole content (salt line included), as the later <c>Contribution</c> signs it.</param>
/// <param name="Size">The whole content's length in bytes.</param>
/// <param name="PartSize">Every part's length but the last one's.</param>
/// <param name="PartsHash">SHA-256 of the concatenated 32-byte SHA-256 hashes of the parts, in order, 0x-prefixed hex.</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record ContentUploadPayload(
    string Contributor, string ContentHash, ulong Size, uint PartSize, string PartsHash, ulong Nonce, ulong Deadline) : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type =
        "ContentUpload(address contributor,bytes32 contentHash,uint64 size,uint32 partSize,bytes32 partsHash,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "ContentUpload";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "contributor";
    string ISignedMessage.Signer => Contributor;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Contributor, "contributor").Bytes32(ContentHash, "contentHash").Uint(Size).Uint(PartSize)
        .Bytes32(PartsHash, "partsHash").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;

    /// <summary>The <see cref="PartsHash"/> of the given part hashes (each 32 bytes), in order.</summary>
    public static byte[] PartsHashOf(IReadOnlyList<byte[]> partHashes)
    {
        ArgumentNullException.ThrowIfNull(partHashes);
        var joined = new byte[partHashes.Count * 32];
        for (var i = 0; i < partHashes.Count; i++)
        {
            if (partHashes[i].Length != 32)
                throw new ArgumentException($"part hash {i} is not 32 bytes", nameof(partHashes));
            partHashes[i].CopyTo(joined, i * 32);
        }
        return System.Security.Cryptography.SHA256.HashData(joined);
    }
}
