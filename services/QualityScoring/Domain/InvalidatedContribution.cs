using System.Text.Json;
using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// A contribution a passed <c>contribution-invalidation</c> proposal invalidated (governance's stored
/// <see cref="PolicyActivated"/>), as <c>InvalidationFollower</c> records it: its rewards are taken back by the ledger, so its
/// score is not appealed any more (an appeal would spend a second round of validators' work on a score that pays nothing).
/// </summary>
/// <param name="Id">The contribution id, lower-case 0x-hex (the case's id).</param>
/// <param name="Sequence">The activation's place in the history; a contribution keeps its first invalidation.</param>
public sealed record InvalidatedContribution(string Id, string ProposalId, string Reason, long Sequence, DateTimeOffset ActivatedAt)
{
    public const string Kind = "contribution-invalidation";

    /// <summary>The invalidation an activation carries, or null for another kind or a payload that does not read as one.</summary>
    /// <remarks>Governance refuses such a payload when it is proposed, so null for this kind is defence in depth.</remarks>
    public static InvalidatedContribution? From(PolicyActivated activation, long sequence)
    {
        if (activation.Kind != Kind)
            return null;
        try
        {
            using var payload = JsonDocument.Parse(activation.Payload);
            var root = payload.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("contributionId", out var id) || id.ValueKind != JsonValueKind.String
                || !Formats.Hex.TryDecode(id.GetString(), out var bytes, 32)
                || !root.TryGetProperty("reason", out var reason) || reason.ValueKind != JsonValueKind.String)
                return null;
            return new InvalidatedContribution(Formats.Hex.Encode(bytes), activation.ProposalId, reason.GetString()!, sequence, activation.ActivatedAt);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>How far <c>InvalidationFollower</c> has read governance's history.</summary>
public sealed record InvalidationFeedCheckpoint(string Id, long Sequence)
{
    public const string Key = "invalidations";
}
