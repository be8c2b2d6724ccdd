using System.Net;
using System.Net.Http.Json;
using CommunityAI.ServiceDefaults.Background;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// The store is the outbox: a crash between append and publish, or between publish and checkpoint, loses nothing,
/// and consumers that dedupe by message id (= event id) see every event exactly once.
/// </summary>
public sealed class OutboxCrashTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private async Task<List<string>> SubmitAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var (id, body) = Signed.Contribution(keyIndex: 1 + i % 5, text: $"crash {Guid.NewGuid()}");
            using var response = await service.Client.PostAsJsonAsync("/api/contributions", body);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add(id);
        }
        return ids;
    }

    private async Task<Dictionary<string, string>> EventIdsAsync(IEnumerable<string> contributionIds)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select stream_id, id from history.mt_events where stream_id = any(@s)", connection);
        command.Parameters.AddWithValue("s", contributionIds.Select(id => "contributions/" + id).ToArray());
        var byStream = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            byStream.Add(reader.GetString(0)["contributions/".Length..], reader.GetGuid(1).ToString());
        return byStream;
    }

    private static async Task<List<(string? MessageId, System.Text.Json.JsonElement Body)>> CollectAsync(BrokerTap tap, string queue,
        List<(string?, System.Text.Json.JsonElement)> seen, int atLeast)
    {
        await Eventually.MatchesAsync(async () => { seen.AddRange(await tap.DrainAsync(queue)); return seen.Count; }, c => c >= atLeast,
            $"{atLeast} published messages");
        await Task.Delay(500); // anything published twice arrives now, not after the assertions
        seen.AddRange(await tap.DrainAsync(queue));
        return seen;
    }

    [Fact]
    public async Task Events_appended_while_the_outbox_cannot_publish_are_published_once_after_a_restart()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var queue = await tap.SubscribeAsync("ContributionSubmitted");
        List<string> ids;

        // Holding the outbox's leader lock keeps it from publishing: appends commit, publishing does not happen.
        await service.StopAsync();
        await using (var dataSource = NpgsqlDataSource.Create(service.History))
        await using (var held = await LeaderLock.TryAcquireAsync(dataSource, "outbox:contributions", CancellationToken.None))
        {
            Assert.NotNull(held);
            service.Start();
            ids = await SubmitAsync(5);
            await Task.Delay(500);
            Assert.Empty(await tap.DrainAsync(queue));
            await service.StopAsync(); // the crash: the service dies with committed, unpublished events
        }

        service.Start();
        var seen = await CollectAsync(tap, queue, [], ids.Count);
        var events = await EventIdsAsync(ids);
        Assert.Equal(ids.Count, seen.Count);
        Assert.Equal(events.Values.Order(), seen.Select(m => m.MessageId!).Order());
    }

    [Fact]
    public async Task A_crash_after_publishing_but_before_the_checkpoint_republishes_with_the_same_message_ids()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var queue = await tap.SubscribeAsync("ContributionSubmitted");
        var ids = await SubmitAsync(5);
        var seen = await CollectAsync(tap, queue, [], ids.Count);

        // The state a crash between the broker's confirm and the checkpoint leaves: published, checkpoint not moved.
        await service.StopAsync();
        await using (var connection = new NpgsqlConnection(service.History))
        {
            await connection.OpenAsync();
            await using var rewind = new NpgsqlCommand("delete from contributions.mt_doc_outboxcheckpoint", connection);
            await rewind.ExecuteNonQueryAsync();
        }
        service.Start();
        var ours = new HashSet<string>(ids.Select(id => id));
        await CollectAsync(tap, queue, seen, seen.Count + ids.Count);

        // Re-published, so at least once; deduped by message id, exactly once; and every message id is its event's id.
        var events = await EventIdsAsync(ids);
        var mine = seen.Where(m => ours.Contains(m.Body.GetProperty("message").GetProperty("contributionId").GetString()!)).ToList();
        Assert.True(mine.Count >= 2 * ids.Count, $"expected the re-publish, saw {mine.Count}");
        var deduped = mine.GroupBy(m => m.MessageId).ToList();
        Assert.Equal(ids.Count, deduped.Count);
        Assert.All(deduped, g => Assert.Equal(events[g.First().Body.GetProperty("message").GetProperty("contributionId").GetString()!], g.Key));
    }
}
