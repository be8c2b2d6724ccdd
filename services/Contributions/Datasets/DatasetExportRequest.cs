using System.Text.Json.Serialization;

namespace CommunityAI.Contributions.Datasets;

/// <summary>Body of POST /api/datasets/{root}/export: a signed EIP-712 <c>DatasetExport</c> (the root comes from the path).</summary>
public sealed record DatasetExportRequest
{
    /// <summary>The builder's address (any case): the snapshot's builder, still admitted.</summary>
    public string? Builder { get; init; }
    /// <summary>uint64, as a JSON number or a decimal string; used once.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Nonce { get; init; }
    /// <summary>Unix time in seconds.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Deadline { get; init; }
    /// <summary>65-byte EIP-712 signature, 0x-prefixed hex.</summary>
    public string? Signature { get; init; }
}
