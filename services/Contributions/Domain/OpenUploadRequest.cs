using System.Text.Json.Serialization;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// Body of POST /api/uploads: a signed EIP-712 <c>ContentUpload</c> and the part hashes its <c>partsHash</c> is made of,
/// so every part can be checked against what the contributor signed as it arrives.
/// </summary>
public sealed record OpenUploadRequest
{
    /// <summary>Signer's address (any case): the upload belongs to this contributor.</summary>
    public string? Contributor { get; init; }
    /// <summary>SHA-256 of the whole content (salt line included), 0x-prefixed 32-byte hex.</summary>
    public string? ContentHash { get; init; }
    /// <summary>The whole content's length in bytes.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Size { get; init; }
    /// <summary>Every part's length but the last one's.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public uint? PartSize { get; init; }
    /// <summary>SHA-256 of each part, in order, 0x-prefixed 32-byte hex; the signed <c>partsHash</c> is the SHA-256 of them concatenated.</summary>
    public IReadOnlyList<string>? PartHashes { get; init; }
    /// <summary>uint64, as a JSON number or a decimal string; used once.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Nonce { get; init; }
    /// <summary>Unix time in seconds.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Deadline { get; init; }
    /// <summary>65-byte EIP-712 signature, 0x-prefixed hex.</summary>
    public string? Signature { get; init; }
}
