using System.Text.Json;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Formats.Policies;

/// <summary>Reading what a passed proposal's payload names, alike for every service that acts on it and for the audit.</summary>
public static class ProposalPayloads
{
    /// <summary>
    /// The address the payload's <paramref name="property"/> holds (<c>validator</c>, <c>builder</c>), EIP-55; null when
    /// the payload is not a JSON object or holds no address there. Governance checks payloads when they are proposed, so a
    /// damaged one acts on nobody rather than failing whoever follows the history.
    /// </summary>
    public static string? AddressOf(string? payload, string property)
    {
        try
        {
            using var json = JsonDocument.Parse(payload ?? "");
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                && Address.TryParse(value.GetString(), out var address) ? address : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
