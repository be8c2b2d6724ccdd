using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace CommunityAI.Audit.Scores;

/// <summary>
/// Typed reads of an event body's members that return null instead of throwing: a malformed event is a finding to
/// report, never a crash of the audit.
/// </summary>
internal static class EventData
{
    public static JsonElement? Member(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static string? Text(JsonElement data, string name) =>
        Member(data, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static int? Int(JsonElement data, string name) =>
        Member(data, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number) ? number : null;

    public static long? Long(JsonElement data, string name) =>
        Member(data, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    public static decimal? Decimal(JsonElement data, string name) =>
        Member(data, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDecimal(out var number) ? number : null;

    public static bool? Bool(JsonElement data, string name) =>
        Member(data, name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } value ? value.GetBoolean() : null;

    /// <summary>The array's elements, or null when the member is missing or not an array.</summary>
    public static IReadOnlyList<JsonElement>? Array(JsonElement data, string name) =>
        Member(data, name) is { ValueKind: JsonValueKind.Array } value ? value.EnumerateArray().ToList() : null;

    /// <summary>Marten stores "contribution_rewarded", other writers "ContributionRewarded" or a full type name.</summary>
    public static string Normalize(string type)
    {
        var name = type[(type.LastIndexOfAny(['.', '+', ':']) + 1)..];
        return name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
    }

    /// <summary>A token amount: a decimal string of digits only (no sign, no exponent), as the history writes them.</summary>
    public static bool TryAmount(string? text, out BigInteger amount)
    {
        amount = default;
        return text is { Length: > 0 } && text.All(char.IsAsciiDigit)
            && BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount);
    }
}
