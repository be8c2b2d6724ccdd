using System.Text.Json.Serialization;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>Body of POST /api/reviews/commitments: the values of a version-2 EIP-712 <c>ReviewCommit</c> and the validator's signature.</summary>
public sealed record ReviewCommitRequest
{
    /// <summary>The validator's address (any case).</summary>
    public string? Validator { get; init; }
    /// <summary>The reviewed contribution's id, 0x-prefixed 32-byte hex.</summary>
    public string? ContributionId { get; init; }
    /// <summary>keccak256(abi.encode(uint16 score, string verdict, bytes32 salt)), 0x-prefixed 32-byte hex.</summary>
    public string? Commitment { get; init; }
    /// <summary>uint64, as a JSON number or a decimal string.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Nonce { get; init; }
    /// <summary>Unix time in seconds, as a JSON number or a decimal string.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Deadline { get; init; }
    /// <summary>65-byte EIP-712 signature, 0x-prefixed hex.</summary>
    public string? Signature { get; init; }
}
