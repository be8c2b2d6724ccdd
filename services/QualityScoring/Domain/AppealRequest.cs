using System.Text.Json.Serialization;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>Body of POST /api/appeals: the values of a version-2 EIP-712 <c>Appeal</c> and the appellant's signature.</summary>
public sealed record AppealRequest
{
    /// <summary>The appellant's address (any case): the contributor, or a validator that revealed a review in the first round.</summary>
    public string? Appellant { get; init; }
    /// <summary>The contribution appealed, 0x-prefixed 32-byte hex.</summary>
    public string? ContributionId { get; init; }
    /// <summary>Why, in the appellant's words (at most 1,000 characters; public in the history).</summary>
    public string? Reason { get; init; }
    /// <summary>uint64, as a JSON number or a decimal string.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Nonce { get; init; }
    /// <summary>Unix time in seconds, as a JSON number or a decimal string.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Deadline { get; init; }
    /// <summary>65-byte EIP-712 signature, 0x-prefixed hex.</summary>
    public string? Signature { get; init; }
}
