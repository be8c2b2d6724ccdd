using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Telemetry;
using CommunityAI.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// The private content handoff to quality-scoring follows the history, not the bus: a notice published by anyone holding
/// a broker login releases nothing, a handoff read again from the history sends the contents again (which
/// quality-scoring absorbs), a content that does not open holds up no other, and the checkpoint is stored at most once
/// a second, not once a batch.
/// </summary>
public sealed class ScoringHandoffTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    [Fact]
    public async Task A_notice_on_the_bus_hands_no_content_over_whether_forged_or_a_copy_of_a_genuine_one()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var first = await SubmitAsync(tap, 2, "handed over once");

        // A copy of a stored notice under an id no event has, and the genuine notice again under its own id.
        var (copied, _) = await StoredNoticeAsync(first[0]);
        var (genuine, eventId) = await StoredNoticeAsync(first[1]);
        var bus = service.Host.Services.GetRequiredService<IBus>();
        await bus.Publish(copied, c => c.MessageId = Guid.NewGuid());
        await bus.Publish(genuine, c => c.MessageId = eventId);
        await SubmitAsync(tap, 2, "handed over after the notices");

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain((await HandedOverAsync(tap)).Keys, first.Contains);
    }

    [Fact]
    public async Task Read_again_from_the_history_the_intact_contents_are_handed_over_again_and_an_altered_one_is_passed_over()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var ids = await SubmitAsync(tap, 3, "one of them altered in the store");

        // Stopped, one content altered in the store, and the handoff's checkpoint lost: it reads the history again.
        await service.StopAsync();
        await using (var connection = new NpgsqlConnection(service.History))
        {
            await connection.OpenAsync();
            await using var alter = new NpgsqlCommand(
                "UPDATE contributions.content SET ciphertext = set_byte(ciphertext, 20, get_byte(ciphertext, 20) # 1) WHERE contribution_id = @id", connection);
            alter.Parameters.AddWithValue("id", ids[1]);
            Assert.Equal(1, await alter.ExecuteNonQueryAsync());
            await using var forget = new NpgsqlCommand("DELETE FROM contributions.mt_doc_followercheckpoint WHERE id = 'scoring-handoff'", connection);
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }
        var logs = new CapturedLogs();
        using var unreadable = new CounterWatch(CommunityTelemetry.MeterName, CommunityMetrics.ContentUnreadableName);
        try
        {
            await using var restarted = new ContributionsHost(service.Settings, logs);
            _ = restarted.CreateClient();

            var handedOver = new Dictionary<string, string>();
            await Eventually.MatchesAsync(async () =>
            {
                foreach (var (id, content) in await HandedOverAsync(tap))
                    handedOver[id] = content;
                return handedOver;
            }, h => h.ContainsKey(ids[0]) && h.ContainsKey(ids[2]), "the two intact contents handed over again");
            await Eventually.MatchesAsync(() => Task.FromResult(logs.AllText), t => t.Contains(ids[1], StringComparison.Ordinal),
                "the altered content named in the log");
            Assert.DoesNotContain(ids[1], (await HandedOverAsync(tap)).Keys.Concat(handedOver.Keys));
            // Counted, once, for the operators' alert (deploy/observability).
            Assert.Equal(1, unreadable.Total());
        }
        finally
        {
            service.Start();
        }
    }

    [Fact]
    public async Task Contents_handed_over_one_batch_at_a_time_store_the_checkpoint_at_most_once_a_second_and_the_last_soon_after()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        // Every store of the handoff's checkpoint from here on, with the time it was written.
        await using (var watch = new NpgsqlCommand("""
            CREATE TABLE public.handoff_stores (at timestamptz NOT NULL DEFAULT clock_timestamp(), sequence bigint NOT NULL);
            CREATE FUNCTION public.handoff_stored() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN INSERT INTO public.handoff_stores (sequence) VALUES ((NEW.data->>'sequence')::bigint); RETURN NEW; END $$;
            CREATE TRIGGER handoff_stored AFTER INSERT OR UPDATE ON contributions.mt_doc_followercheckpoint
              FOR EACH ROW WHEN (NEW.id = 'scoring-handoff') EXECUTE FUNCTION public.handoff_stored();
            """, connection))
            await watch.ExecuteNonQueryAsync();
        try
        {
            // Eight contributions, each stored and handed over before the next: eight batches for the handoff.
            var ids = new List<string>();
            for (var i = 0; i < 8; i++)
                ids.AddRange(await SubmitAsync(tap, 1, $"handed over alone {i}"));
            var last = await SequenceOfAsync(connection, ids[^1]);

            var stores = await Eventually.MatchesAsync(() => StoresAsync(connection), s => s.Count > 0 && s[^1].Sequence >= last,
                "the last content's checkpoint stored once the handoff went quiet", TimeSpan.FromSeconds(30));
            // Stored apart from the batches (a commit a batch bought nothing): never twice within the second.
            Assert.All(stores.Zip(stores.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= TimeSpan.FromSeconds(0.95),
                $"stored at {pair.First.At:O} and again at {pair.Second.At:O}"));
            Assert.True(stores.Count < ids.Count, $"{stores.Count} stores for {ids.Count} batches");
        }
        finally
        {
            await using var unwatch = new NpgsqlCommand("""
                DROP TRIGGER handoff_stored ON contributions.mt_doc_followercheckpoint;
                DROP FUNCTION public.handoff_stored(); DROP TABLE public.handoff_stores;
                """, connection);
            await unwatch.ExecuteNonQueryAsync();
        }
    }

    private static async Task<List<(DateTime At, long Sequence)>> StoresAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT at, sequence FROM public.handoff_stores ORDER BY at", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var stores = new List<(DateTime, long)>();
        while (await reader.ReadAsync())
            stores.Add((reader.GetDateTime(0), reader.GetInt64(1)));
        return stores;
    }

    private static async Task<long> SequenceOfAsync(NpgsqlConnection connection, string contributionId)
    {
        await using var command = new NpgsqlCommand(
            "SELECT seq_id FROM history.mt_events WHERE stream_id = @s AND type = 'contribution_submitted'", connection);
        command.Parameters.AddWithValue("s", "contributions/" + contributionId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Submits <paramref name="count"/> contributions in one batch and waits until every content is handed over.</summary>
    private async Task<List<string>> SubmitAsync(BrokerTap tap, int count, string label)
    {
        var batch = BatchRequests.Contributions(count, label);
        using var response = await service.Client.PostAsync(BatchRequests.Body(batch.Select(b => b.Body)));
        Assert.All(await BatchRequests.ItemsAsync(response), i => Assert.Equal(202, i.Status));
        var ids = batch.Select(b => b.Id).ToList();
        var handedOver = new HashSet<string>();
        await Eventually.MatchesAsync(async () =>
        {
            handedOver.UnionWith((await HandedOverAsync(tap)).Keys);
            return handedOver;
        }, h => ids.All(h.Contains), "every content handed over");
        return ids;
    }

    /// <summary>The contents waiting in quality-scoring's queue, by contribution (none while the first send has not declared it).</summary>
    private static async Task<Dictionary<string, string>> HandedOverAsync(BrokerTap tap) =>
        (await HandedOverContents.TakeAsync(tap))
            .GroupBy(m => m.ContributionId)
            .ToDictionary(g => g.Key, g => g.Last().Content);

    /// <summary>The contribution's ContributionSubmitted as the history holds it, and the event's id (the genuine notice's message id).</summary>
    private async Task<(ContributionSubmitted Notice, Guid EventId)> StoredNoticeAsync(string contributionId)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id, data::text FROM history.mt_events WHERE stream_id = @s AND type = 'contribution_submitted'", connection);
        command.Parameters.AddWithValue("s", "contributions/" + contributionId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (JsonSerializer.Deserialize<ContributionSubmitted>(reader.GetString(1), OutboxRoutes.HistoryJson)!, reader.GetGuid(0));
    }
}
