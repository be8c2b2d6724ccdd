using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Testing;

namespace Contributions.IntegrationTests;

/// <summary>What the scoring handoff sent to quality-scoring's private queue (nobody consumes it in these tests).</summary>
internal static class HandedOverContents
{
    /// <summary>
    /// The contents waiting in the queue, taken from it, in the order sent (none while the first send has not declared
    /// the queue). Every message must be a <see cref="ScoringContents"/>: the handoff sends no other.
    /// </summary>
    public static async Task<List<(string ContributionId, string Content)>> TakeAsync(BrokerTap tap) =>
        [.. (await tap.TakeWaitingAsync(ScoringContent.QueueName)).SelectMany(m => Items(m.Body))];

    private static IEnumerable<(string ContributionId, string Content)> Items(JsonElement body)
    {
        var types = body.GetProperty("messageType").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains("urn:message:CommunityAI.Contracts:ScoringContents", types);
        var items = body.GetProperty("message").GetProperty("items");
        Assert.InRange(items.GetArrayLength(), 1, ScoringContents.MaxItems);
        return items.EnumerateArray()
            .Select(i => (i.GetProperty("contributionId").GetString()!, i.GetProperty("content").GetString()!))
            .ToList();
    }
}
