using System.Diagnostics;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;
using static Contributions.IntegrationTests.ContributionsHistory;

namespace Contributions.IntegrationTests;

/// <summary>
/// The views are a pure function of the history: built while the history grows (by the running service, in whatever
/// batches its feed hands out), then dropped with their checkpoint and rebuilt from zero in one go, they are the same
/// rows, and each row says what the history says.
/// </summary>
public sealed class ViewRebuildTests(ContributionsService service, ITestOutputHelper output) : IClassFixture<ContributionsService>
{
    private const int Contributions = 4000;
    private const int PerTransaction = 50;
    private const int Writers = 4;

    [Fact]
    public async Task Dropping_the_views_and_rebuilding_from_zero_gives_the_same_rows()
    {
        await WriteHistoryAsync();
        var events = await ScalarAsync("SELECT count(*) FROM history.mt_events");
        await Eventually.MatchesAsync(() => ScalarAsync($"SELECT coalesce(max((data->>'nextLogIndex')::bigint), 0) FROM {Table<ContributionViewCheckpoint>()}"),
            applied => applied == events, "the running service's views to catch up with the history", TimeSpan.FromMinutes(3));
        var built = await RowsAsync();
        Assert.Equal(Contributions, built.Count);
        Assert.Equal("", await WrongRowsAsync());

        await service.StopAsync();
        await ExecuteAsync($"DROP TABLE {Table<ContributionView>()}; DROP TABLE {Table<ContributionViewCheckpoint>()}");
        using var host = StoreOnlyHost();
        var projector = new ContributionViewProjector(host.Services.GetRequiredService<IDocumentStore>(), host.Services.GetRequiredService<NpgsqlDataSource>());
        var clock = Stopwatch.StartNew();
        var rebuilt = await projector.CatchUpAsync(CancellationToken.None);
        clock.Stop();
        var rate = events / clock.Elapsed.TotalSeconds;
        var readRate = await FeedReadRateAsync(host.Services.GetRequiredService<NpgsqlDataSource>());
        output.WriteLine($"rebuilt {Contributions} views from {events} history events in {clock.Elapsed.TotalSeconds:F2} s (tables recreated included): " +
            $"{rate:F0} events/s; reading the same history through the feed alone: {readRate:F0} events/s ({rate / readRate:P0})");

        Assert.Equal(events, rebuilt.NextLogIndex);
        Assert.Equal(built, await RowsAsync());
        service.Start();
    }

    [Fact]
    public async Task An_instance_behind_the_stored_checkpoint_applies_nothing()
    {
        using var host = StoreOnlyHost();
        var stale = new ContributionViewProjector(host.Services.GetRequiredService<IDocumentStore>(), host.Services.GetRequiredService<NpgsqlDataSource>());
        var staleStart = await stale.LoadCheckpointAsync(CancellationToken.None);

        // The running service, the leader, moves the checkpoint past a new event meanwhile.
        var id = "0x" + new string('e', 64);
        await service.AppendAsync(("contributions/" + id, Submitted(id)));
        var events = await ScalarAsync("SELECT count(*) FROM history.mt_events");
        var current = await Eventually.MatchesAsync(() => stale.LoadCheckpointAsync(CancellationToken.None),
            c => c.NextLogIndex == events, "the service's projector to apply the new event");
        var before = await RowsAsync();

        // An instance that still believes the old checkpoint (a leader that lost its lock unawares) stores nothing.
        await Assert.ThrowsAsync<InvalidOperationException>(() => stale.StepAsync(new FeedCursor(staleStart.Sequence), staleStart, CancellationToken.None));
        Assert.Equal(current, await stale.LoadCheckpointAsync(CancellationToken.None));
        Assert.Equal(before, await RowsAsync());
    }

    /// <summary>The limit measured in the same run: the gap-safe feed reading the whole history, nothing applied.</summary>
    private static async Task<double> FeedReadRateAsync(NpgsqlDataSource dataSource)
    {
        var feed = new HistoryFeed(dataSource);
        var cursor = FeedCursor.Start;
        var read = 0;
        var clock = Stopwatch.StartNew();
        for (var batch = await feed.ReadAsync(cursor, 1000, CancellationToken.None); batch.Events.Count > 0;
             batch = await feed.ReadAsync(cursor, 1000, CancellationToken.None))
        {
            read += batch.Events.Count;
            cursor = batch.Next;
        }
        return read / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Contributions with scores, rewards, rejections and anchors from several concurrent writers, so commits land out
    /// of sequence order; each fact in the stream of the service that owns it, a contribution's facts spread over
    /// transactions, some scores and rewards after the anchor that covers the contribution.
    /// </summary>
    private async Task WriteHistoryAsync()
    {
        var store = service.Host.Services.GetRequiredService<IDocumentStore>();
        var ids = Enumerable.Range(0, Contributions).Select(i => $"0x{i:x64}").ToArray();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async writer =>
        {
            var mine = ids.Where((_, i) => i % Writers == writer).Chunk(PerTransaction).ToArray();
            for (var chunk = 0; chunk <= mine.Length; chunk++)
            {
                await using var session = store.LightweightSession();
                if (chunk < mine.Length)
                    foreach (var id in mine[chunk])
                        session.Events.StartStream("contributions/" + id, Submitted(id));
                if (chunk > 0)
                    foreach (var id in mine[chunk - 1])
                    {
                        session.Events.StartStream("scoring/" + id, Scored(id, Stable(id) & 63));
                        session.Events.StartStream("ledger/credits/" + id, Rewarded(id, (1000 + (Stable(id) & 1023)).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    }
                session.Events.StartStream($"contributions/rejections/{writer}-{chunk}",
                    new ContributionRejected(null, "partner", Contributor, "nonce", "taken", 409, DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
                if (writer == 0 && chunk % 5 == 4)
                    await service.AppendAsync(("chain/anchors", Anchored(await ScalarAsync("SELECT count(*) FROM history.mt_events"))));
            }
        }));
        await service.AppendAsync(("chain/anchors", Anchored(await ScalarAsync("SELECT count(*) FROM history.mt_events"))));
    }

    private static ContributionSubmitted Submitted(string id) =>
        new(id, Contributor, "data", "0x" + new string('a', 64), "ipfs://rebuild/" + id, "1", 0, "0x", null, DateTimeOffset.UnixEpoch.AddSeconds(Stable(id)));

    private static int Stable(string id) => Convert.ToInt32(id[^4..], 16);

    /// <summary>Views that disagree with the history: index = position in store order, score, reward, anchored.</summary>
    private async Task<string> WrongRowsAsync()
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            WITH positions AS (SELECT stream_id, type, data, row_number() OVER (ORDER BY seq_id) - 1 AS log_index FROM history.mt_events),
                 anchored AS (SELECT max((data->>'treeSize')::bigint) AS size FROM history.mt_events WHERE type = 'tree_head_anchored')
            SELECT string_agg(v.id, ', ') FROM {Table<ContributionView>()} v
              JOIN positions p ON p.stream_id = 'contributions/' || v.id
              JOIN positions s ON s.stream_id = 'scoring/' || v.id
              JOIN positions r ON r.stream_id = 'ledger/credits/' || v.id, anchored a
            WHERE (v.data->>'logIndex')::bigint <> p.log_index
               OR (v.data->>'score')::int <> (s.data->>'score')::int
               OR v.data->>'reward' <> r.data->>'amount'
               OR v.data->>'status' <> CASE WHEN p.log_index < a.size THEN 'anchored' ELSE 'rewarded' END
            """, connection);
        return await command.ExecuteScalarAsync() as string ?? "";
    }

    private async Task<List<(string Id, string Data)>> RowsAsync()
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT id, data::text FROM {Table<ContributionView>()} ORDER BY id", connection);
        var rows = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    /// <summary>The service's store and data source without the service: what an operator's rebuild runs on.</summary>
    private IHost StoreOnlyHost()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:history"] = service.History;
        builder.AddHistoryStore(ContributionsStore.Schema, ContributionsStore.Configure);
        return builder.Build();
    }

    private static string Table<T>() => $"{ContributionsStore.Schema}.mt_doc_{typeof(T).Name.ToLowerInvariant()}";

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
