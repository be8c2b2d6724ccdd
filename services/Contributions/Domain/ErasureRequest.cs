using System.Text.Json.Serialization;

namespace CommunityAI.Contributions.Domain;

/// <summary>Body of POST /api/contributions/{id}/erasure: a signed EIP-712 <c>Erasure</c> (the id comes from the path).</summary>
public sealed record ErasureRequest
{
    /// <summary>The contributor's address (any case): only the contribution's own contributor may erase it.</summary>
    public string? Contributor { get; init; }
    /// <summary>uint64, as a JSON number or a decimal string; used once.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Nonce { get; init; }
    /// <summary>Unix time in seconds.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Deadline { get; init; }
    /// <summary>65-byte EIP-712 signature, 0x-prefixed hex.</summary>
    public string? Signature { get; init; }
}
