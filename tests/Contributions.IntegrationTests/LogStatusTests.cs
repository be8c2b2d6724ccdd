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

    [Fact]
    public async Task Score_reward_and_log_index_arriving_together_all_land_on_the_view()
    {
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var (id, body) = Signed.Contribution(text: $"concurrent {i}");
            using var response = await service.Client.PostAsJsonAsync("/api/contributions", body);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add(id);
        }
        var bus = service.Host.Services.GetRequiredService<IBus>();

        // Three queues, three consumers, the same twenty views at once: none may overwrite another's fields.
        var contributor = CommunityAI.Testing.AnvilNode.DevAddresses[1];
        await Task.WhenAll(ids.SelectMany((id, i) => new[]
        {
            bus.Publish(new ContributionScored(id, contributor, "data", 70, "v1", DateTimeOffset.UtcNow)),
            bus.Publish(new ContributionRewarded(id, contributor, "7", 3, "p1", DateTimeOffset.UtcNow)),
            bus.Publish(new LogEntriesAppended(1000 + i, [new LoggedEntry(1000 + i, 5000 + i, "contributions/" + id, "contribution_submitted")])),
        }));

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var view = await Eventually.MatchesAsync(() => ViewAsync(id),
                v => v.GetProperty("reward").ValueKind == JsonValueKind.String && v.GetProperty("score").ValueKind == JsonValueKind.Number
                    && v.GetProperty("logIndex").ValueKind == JsonValueKind.Number, $"score, reward and index of {id}");
            Assert.Equal("rewarded", view.GetProperty("status").GetString());
            Assert.Equal(70, view.GetProperty("score").GetInt32());
            Assert.Equal(1000 + i, view.GetProperty("logIndex").GetInt64());
        }
    }
}
