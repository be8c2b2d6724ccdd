using System.Text.Json.Serialization;

namespace CommunityAI.Contributions.Datasets;

/// <summary>Body of POST /api/datasets: a signed EIP-712 <c>DatasetSnapshot</c>.</summary>
public sealed record DatasetSnapshotRequest
{
    /// <summary>The builder's address (any case): an admitted dataset builder.</summary>
    public string? Builder { get; init; }
    /// <summary>The contribution kind to select.</summary>
    public string? Kind { get; init; }
    /// <summary>uint16: the lowest score selected.</summary>
    public ushort? MinScore { get; init; }
    /// <summary>Allowed SPDX licence identifiers, comma-separated, exactly as signed.</summary>
    public string? Licences { get; init; }
    /// <summary>uint64, as a JSON number or a decimal string; used once.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Nonce { get; init; }
    /// <summary>Unix time in seconds.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Deadline { get; init; }
    /// <summary>65-byte EIP-712 signature, 0x-prefixed hex.</summary>
    public string? Signature { get; init; }
}
