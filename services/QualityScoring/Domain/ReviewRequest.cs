using System.Text.Json.Serialization;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>Body of POST /api/reviews: the values of a version-2 EIP-712 <c>Review</c> and the validator's signature over them.</summary>
public sealed record ReviewRequest
{
    /// <summary>The validator's address (any case).</summary>
    public string? Validator { get; init; }
    /// <summary>The reviewed contribution's id, 0x-prefixed 32-byte hex.</summary>
    public string? ContributionId { get; init; }
    /// <summary>0–100.</summary>
    public int? Score { get; init; }
    /// <summary>accept or reject.</summary>
    public string? Verdict { get; init; }
    /// <summary>The review's secret salt, 0x-prefixed 32-byte hex (the reveal of a commitment; see the README).</summary>
    public string? Salt { get; init; }
    /// <summary>uint64, as a JSON number or a decimal string.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Nonce { get; init; }
    /// <summary>Unix time in seconds, as a JSON number or a decimal string.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Deadline { get; init; }
    /// <summary>65-byte EIP-712 signature, 0x-prefixed hex.</summary>
    public string? Signature { get; init; }
}
