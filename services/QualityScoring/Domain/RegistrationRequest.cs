using System.Text.Json.Serialization;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Body of POST /api/validators: the values of an EIP-712
/// <c>ValidatorRegistration(address validator,uint64 nonce,uint64 deadline)</c> and the validator's signature over them.
/// </summary>
public sealed record RegistrationRequest
{
    /// <summary>The validator's address (any case).</summary>
    public string? Validator { get; init; }
    /// <summary>uint64, as a JSON number or a decimal string.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Nonce { get; init; }
    /// <summary>Unix time in seconds, as a JSON number or a decimal string.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Deadline { get; init; }
    /// <summary>65-byte EIP-712 signature, 0x-prefixed hex.</summary>
    public string? Signature { get; init; }
}
