using System.Text.Json.Serialization;

namespace CommunityAI.Contributions.Datasets;

/// <summary>Body of POST /api/datasets/{root}/models: a signed EIP-712 <c>ModelRegistration</c> (the root comes from the path).</summary>
public sealed record ModelRegistrationRequest
{
    /// <summary>The builder's address (any case): an admitted dataset builder.</summary>
    public string? Builder { get; init; }
    /// <summary>The model's name: 1 to <see cref="ModelRegistry.MaxNameLength"/> characters, no control characters.</summary>
    public string? Name { get; init; }
    /// <summary>Where the weights live: an absolute URI of at most <see cref="ModelRegistry.MaxWeightsUriLength"/> characters.</summary>
    public string? WeightsUri { get; init; }
    /// <summary>The SHA-256 of the weights file, 0x-prefixed hex (32 bytes).</summary>
    public string? WeightsHash { get; init; }
    /// <summary>uint64, as a JSON number or a decimal string; used once.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Nonce { get; init; }
    /// <summary>Unix time in seconds.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Deadline { get; init; }
    /// <summary>65-byte EIP-712 signature, 0x-prefixed hex.</summary>
    public string? Signature { get; init; }
}
