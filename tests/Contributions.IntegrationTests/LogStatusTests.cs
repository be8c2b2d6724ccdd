using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Contributions.IntegrationTests;

/// <summary>The chain-bridge's events, published on the real broker, move contributions to their log index and to anchored.</summary>
public sealed class LogStatusTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private async Task<JsonElement> ViewAsync(string id) =>
        await service.Client.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}");

    [Fact]
    public async Task Logged_contributions_show_their_index_and_become_anchored_once_a_head_covers_them()
    {
        var (covered, coveredBody) = Signed.Contribution(text: "covered");
        var (later, laterBody) = Signed.Contribution(text: "later");
        foreach (var body in new[] { coveredBody, laterBody })
            using (var response = await service.Client.PostAsJsonAsync("/api/contributions", body))
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var bus = service.Host.Services.GetRequiredService<IBus>();

        await bus.Publish(new LogEntriesAppended(40, [
            new LoggedEntry(40, 90, "scoring/" + covered, "contribution_scored"),
            new LoggedEntry(41, 91, "contributions/" + covered, "contribution_submitted"),
            new LoggedEntry(42, 95, "contributions/" + later, "contribution_submitted"),
        ]));
        await Eventually.MatchesAsync(() => ViewAsync(later), v => v.TryGetProperty("logIndex", out var i) && i.ValueKind == JsonValueKind.Number, "log index");
        Assert.Equal(41, (await ViewAsync(covered)).GetProperty("logIndex").GetInt64());

        await bus.Publish(new TreeHeadAnchored(42, "0x" + new string('0', 64), 31337, "0x" + new string('1', 40), "0x" + new string('2', 64), 7, DateTimeOffset.UtcNow));
        await Eventually.MatchesAsync(() => ViewAsync(covered), v => v.GetProperty("status").GetString() == "anchored", "anchored status");
        Assert.Equal("submitted", (await ViewAsync(later)).GetProperty("status").GetString());

        // A score arriving after the anchor does not move the status back.
        await bus.Publish(new ContributionScored(covered, CommunityAI.Testing.AnvilNode.DevAddresses[1], "data", 80, "v1", DateTimeOffset.UtcNow));
        await Eventually.MatchesAsync(() => ViewAsync(covered), v => v.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number, "score");
        Assert.Equal("anchored", (await ViewAsync(covered)).GetProperty("status").GetString());
    }
}
