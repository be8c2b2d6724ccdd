using System.Text.Json.Serialization;

namespace CommunityAI.Contributions.Domain;

/// <summary>Body of POST /api/contributions: the signed EIP-712 Contribution plus optional inline content or the upload holding it.</summary>
public sealed record SubmitContributionRequest
{
    /// <summary>Signer's address (any case).</summary>
    public string? Contributor { get; init; }
    /// <summary>data, feedback, knowledge or model.</summary>
    public string? Kind { get; init; }
    /// <summary>SHA-256 of the content, 0x-prefixed 32-byte hex.</summary>
    public string? ContentHash { get; init; }
    public string? ContentUri { get; init; }
    /// <summary>SPDX licence identifier, one of the allowed list (e.g. CC-BY-4.0).</summary>
    public string? Licence { get; init; }
    /// <summary>uint64, as a JSON number or a decimal string.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Nonce { get; init; }
    /// <summary>Unix time in seconds, as a JSON number or a decimal string.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public ulong? Deadline { get; init; }
    /// <summary>65-byte EIP-712 signature, 0x-prefixed hex.</summary>
    public string? Signature { get; init; }
    /// <summary>Optional inline content, base64.</summary>
    public string? Content { get; init; }
    /// <summary>
    /// Instead of <see cref="Content"/>: the id of the contributor's upload in parts (POST /api/uploads) holding the
    /// content; the contribution completes it. Only on POST /api/contributions.
    /// </summary>
    public string? Upload { get; init; }
}
