using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Contributions.IntegrationTests;

/// <summary>
/// A log index that reaches the service after the anchored head covering it: a service of its own, since the
/// anchored size it remembers would anchor other tests' indexes.
/// </summary>
public sealed class AnchoredOnArrivalTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private async Task<JsonElement> ViewAsync(string id) =>
        await service.Client.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}");

    [Fact]
    public async Task An_index_arriving_after_the_head_that_covers_it_is_anchored_at_once()
    {
        // The anchor and the index travel on different queues; here the anchor wins the race.
        var (early, earlyBody) = Signed.Contribution(text: "index after anchor");
        var (beyond, beyondBody) = Signed.Contribution(text: "index beyond anchor");
        foreach (var body in new[] { earlyBody, beyondBody })
            using (var response = await service.Client.PostAsJsonAsync("/api/contributions", body))
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var bus = service.Host.Services.GetRequiredService<IBus>();

        await bus.Publish(new TreeHeadAnchored(5000, "0x" + new string('0', 64), 31337, "0x" + new string('1', 40), "0x" + new string('3', 64), 9, DateTimeOffset.UtcNow));
        await Eventually.MatchesAsync(AnchoredSizeAsync, size => size == 5000, "the anchored size to be recorded");
        // An older head heard later does not shrink what is known to be anchored.
        await bus.Publish(new TreeHeadAnchored(10, "0x" + new string('0', 64), 31337, "0x" + new string('1', 40), "0x" + new string('4', 64), 8, DateTimeOffset.UtcNow));
        await bus.Publish(new LogEntriesAppended(4999, [
            new LoggedEntry(4999, 9000, "contributions/" + early, "contribution_submitted"),
            new LoggedEntry(5000, 9001, "contributions/" + beyond, "contribution_submitted"),
        ]));

        var view = await Eventually.MatchesAsync(() => ViewAsync(early), v => v.GetProperty("status").GetString() == "anchored", "anchored on arrival of its index");
        Assert.Equal(4999, view.GetProperty("logIndex").GetInt64());
        var other = await Eventually.MatchesAsync(() => ViewAsync(beyond), v => v.TryGetProperty("logIndex", out var i) && i.ValueKind == JsonValueKind.Number, "log index");
        Assert.Equal("submitted", other.GetProperty("status").GetString());
        Assert.Equal(5000, await AnchoredSizeAsync());
    }

    private async Task<long> AnchoredSizeAsync()
    {
        await using var session = service.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<AnchoredHead>(AnchoredHead.Latest))?.TreeSize ?? 0;
    }
}
