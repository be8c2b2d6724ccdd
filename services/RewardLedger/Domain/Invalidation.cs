using System.Text.Json;
using CommunityAI.Contracts;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>What a passed <c>contribution-invalidation</c> proposal decided: which contribution, and why. Pure.</summary>
public sealed record Invalidation(string ContributionId, string Reason, string ProposalId)
{
    public const string Kind = "contribution-invalidation";

    /// <summary>
    /// The invalidation an activation carries, or null for another kind or a payload that does not read as one. Governance
    /// refuses such a payload when it is proposed (PayloadRules), so null here is defence in depth, not a path in use.
    /// </summary>
    public static Invalidation? From(PolicyActivated activation)
    {
        if (activation.Kind != Kind)
            return null;
        try
        {
            using var payload = JsonDocument.Parse(activation.Payload);
            var root = payload.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("contributionId", out var id) || id.ValueKind != JsonValueKind.String
                || !Formats.Hex.TryDecode(id.GetString(), out _, 32)
                || !root.TryGetProperty("reason", out var reason) || reason.ValueKind != JsonValueKind.String)
                return null;
            // Credit streams are named by the lower-case id (CreditWriter), whatever case the proposer wrote.
            return new Invalidation(id.GetString()!.ToLowerInvariant(), reason.GetString()!, activation.ProposalId);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
