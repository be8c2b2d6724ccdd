using System.Text.Json;
using Microsoft.Extensions.Hosting;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// The private content handoff to quality-scoring takes the history's notices in batches: each notice is still judged
/// on its own against the history, a forged one among genuine ones is refused alone, and a content that does not open
/// keeps none of its batch-mates from being handed over.
/// </summary>
public sealed class ScoringHandoffTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private const string HandoffQueue = "contributions-scoring-content-handoff";

    [Fact]
    public async Task Forged_notices_among_genuine_ones_are_refused_one_by_one_and_the_genuine_contents_handed_over()
    {
        using var refused = new CounterWatch(CommunityTelemetry.MeterName, HistoryFacts.RefusedCounterName);
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var first = await SubmitAsync(tap, 2, "handed over once");

        // Two notices the history does not back, naming contributions whose content is stored: one under an id no event
        // has, one under a real event's id with its body changed. Published at once with two genuine submissions.
        var (copied, _) = await StoredNoticeAsync(first[0]);
        var (notice, eventId) = await StoredNoticeAsync(first[1]);
        var bus = service.Host.Services.GetRequiredService<IBus>();
        var unrecorded = bus.Publish(copied, c => c.MessageId = Guid.NewGuid());
        var altered = bus.Publish(notice with { ContentUri = "ipfs://elsewhere" }, c => c.MessageId = eventId);
        var second = SubmitAsync(tap, 2, "handed over beside forged notices");
        await Task.WhenAll(unrecorded, altered, second);

        await Eventually.MatchesAsync(() => Task.FromResult(Refusals(HistoryFactCheck.NotInHistory) + Refusals(HistoryFactCheck.BodyDiffers)),
            n => n == 2, "both forged notices refused");
        Assert.Equal(1, Refusals(HistoryFactCheck.NotInHistory));
        Assert.Equal(1, Refusals(HistoryFactCheck.BodyDiffers));
        // Nothing of the first contributions is handed over a second time on the forged notices' word.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain((await HandedOverAsync(tap)).Keys, first.Contains);

        long Refusals(string reason) => refused.Total(("message_type", nameof(ContributionSubmitted)), ("reason", reason));
    }

    [Fact]
    public async Task A_content_that_does_not_open_goes_to_the_error_queue_and_its_batch_mates_are_still_handed_over()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var ids = await SubmitAsync(tap, 3, "one of them altered in the store");
        await using (var connection = new NpgsqlConnection(service.History))
        {
            await connection.OpenAsync();
            await using var alter = new NpgsqlCommand(
                "UPDATE contributions.content SET ciphertext = set_byte(ciphertext, 20, get_byte(ciphertext, 20) # 1) WHERE contribution_id = @id", connection);
            alter.Parameters.AddWithValue("id", ids[1]);
            Assert.Equal(1, await alter.ExecuteNonQueryAsync());
        }

        // The genuine notices again, as the broker redelivers them: the history backs each one.
        var bus = service.Host.Services.GetRequiredService<IBus>();
        foreach (var id in ids)
        {
            var (notice, eventId) = await StoredNoticeAsync(id);
            await bus.Publish(notice, c => c.MessageId = eventId);
        }

        var handedOver = new Dictionary<string, string>();
        await Eventually.MatchesAsync(async () =>
        {
            foreach (var (id, content) in await HandedOverAsync(tap))
                handedOver[id] = content;
            return handedOver;
        }, h => h.ContainsKey(ids[0]) && h.ContainsKey(ids[2]), "the two intact contents handed over again");
        await Eventually.MatchesAsync(() => tap.CountAsync(HandoffQueue + "_error"), n => n >= 1, "the altered content's notice in the error queue");
        Assert.DoesNotContain(ids[1], (await HandedOverAsync(tap)).Keys.Concat(handedOver.Keys));
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
        (await tap.CountAsync(ScoringContent.QueueName) == 0 ? [] : await tap.DrainAsync(ScoringContent.QueueName))
            .Select(m => m.Body.GetProperty("message"))
            .GroupBy(m => m.GetProperty("contributionId").GetString()!)
            .ToDictionary(g => g.Key, g => g.Last().GetProperty("content").GetString()!);

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
