using System.Text.Json;

namespace CommunityAI.Formats.Policies;

/// <summary>
/// What a <c>contribution-invalidation</c> proposal's payload says: which contribution, and why. One reader for governance,
/// which refuses a payload it does not accept when proposed, and for every service acting on the activation, so a payload
/// governance let through always reads here, and one it refused never does.
/// </summary>
/// <param name="ContributionId">The contribution id, lower-case 0x-hex (as credit and case streams name it), whatever case the proposer wrote.</param>
/// <param name="Reason">Why, 1 to <see cref="MaxReasonLength"/> characters.</param>
public sealed record ContributionInvalidation(string ContributionId, string Reason)
{
    /// <summary>The proposal kind whose payload this is.</summary>
    public const string Kind = "contribution-invalidation";

    /// <summary>The longest reason accepted, in UTF-16 code units.</summary>
    public const int MaxReasonLength = 2_000;

    private const string ContributionIdRule = "a contribution id is a 32-byte 0x-prefixed hex string";
    private static readonly string ReasonRule = $"a reason of 1 to {MaxReasonLength} characters is required";

    /// <summary>
    /// The invalidation <paramref name="payload"/> (a JSON object) holds, or null with the broken rules keyed by field
    /// (<c>contributionId</c>, <c>reason</c>). Other properties are ignored.
    /// </summary>
    public static (ContributionInvalidation? Invalidation, IReadOnlyDictionary<string, string> Problems) Read(JsonElement payload)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (payload.ValueKind != JsonValueKind.Object)
        {
            problems[""] = "the payload is a JSON object";
            return (null, problems);
        }
        byte[] id = [];
        if (!payload.TryGetProperty("contributionId", out var idText) || idText.ValueKind != JsonValueKind.String
            || !Hex.TryDecode(idText.GetString(), out id, 32))
            problems["contributionId"] = ContributionIdRule;
        if (!payload.TryGetProperty("reason", out var reason) || reason.ValueKind != JsonValueKind.String
            || reason.GetString()!.Length is 0 or > MaxReasonLength)
            problems["reason"] = ReasonRule;
        return problems.Count > 0 ? (null, problems) : (new ContributionInvalidation(Hex.Encode(id), reason.GetString()!), problems);
    }

    /// <summary>
    /// The invalidation an activated proposal of <paramref name="kind"/> carries, or null for another kind or a payload
    /// that does not read as one (not JSON, too deep, a broken rule). Governance refuses such a payload when it is
    /// proposed, so null for this kind is defence in depth: a damaged payload invalidates nothing rather than failing
    /// whoever follows the history.
    /// </summary>
    public static ContributionInvalidation? FromActivation(string kind, string? payload)
    {
        if (kind != Kind || payload is null)
            return null;
        try
        {
            using var json = JsonDocument.Parse(payload);
            return Read(json.RootElement).Invalidation;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
