using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;
using Marten;
using Npgsql;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// The feed behind the log and every outbox must never skip an event whose transaction commits late
/// (Marten's daemon skips a gap after StaleSequenceThreshold, 3 s by default), and must pass a gap left
/// by a rolled-back transaction. Real PostgreSQL, a trigger that makes one commit take 5 seconds.
/// </summary>
public sealed class HistoryFeedTests : IAsyncLifetime
{
    private string _database = "";
    private DocumentStore _store = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("feed");
        _dataSource = NpgsqlDataSource.Create(_database);
        _store = DocumentStore.For(options =>
        {
            options.Connection(_database);
            HistoryStoreExtensions.ConfigureHistory(options, "feedtest");
            options.Events.AddEventType<TreeHeadAnchored>();
        });
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var trigger = _dataSource.CreateCommand("""
            CREATE FUNCTION history.slow_commit() RETURNS trigger AS $$
            BEGIN
              IF NEW.data->>'txHash' = 'slow' THEN PERFORM pg_sleep(5); END IF;
              IF NEW.data->>'txHash' = 'rollback' THEN RAISE EXCEPTION 'rolled back on purpose'; END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER slow_commit AFTER INSERT ON history.mt_events FOR EACH ROW EXECUTE FUNCTION history.slow_commit();
            """);
        await trigger.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task An_event_committed_after_later_ones_and_after_the_stale_threshold_is_still_handed_out_once_in_sequence_order()
    {
        await AppendAsync("before", 1);
        var slow = AppendAsync("slow", 2);           // takes its sequence now, commits in 5 s
        await Task.Delay(500);
        for (var i = 3; i <= 6; i++)
            await AppendAsync("fast", i);            // commit while the slow one is open: a gap below them
        await Assert.ThrowsAnyAsync<Exception>(() => AppendAsync("rollback", 7)); // a gap that never fills
        await AppendAsync("after", 8);

        var feed = new HistoryFeed(_dataSource);
        var cursor = FeedCursor.Start;
        var seen = new List<StoredEvent>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < 7 && DateTime.UtcNow < deadline)
        {
            var batch = await feed.ReadAsync(cursor, 100, CancellationToken.None);
            seen.AddRange(batch.Events);
            cursor = batch.Next;
            await Task.Delay(100);
        }
        await slow;

        var sizes = seen.Select(e => System.Text.Json.JsonDocument.Parse(e.Data!).RootElement.GetProperty("treeSize").GetInt64()).ToList();
        Assert.Equal([1L, 2, 3, 4, 5, 6, 8], sizes);                    // the slow one is not skipped, the rolled back one is passed
        Assert.Equal(seen.Select(e => e.Sequence).Order(), seen.Select(e => e.Sequence)); // store order
        Assert.Equal(seen.Count, seen.Select(e => e.Sequence).Distinct().Count());        // nothing twice

        // Nothing more arrives: the cursor has moved past the dead sequence for good.
        var after = await feed.ReadAsync(cursor, 100, CancellationToken.None);
        Assert.Empty(after.Events);
    }

    [Fact]
    public async Task A_reader_stops_at_a_gap_that_an_open_transaction_may_still_fill()
    {
        await AppendAsync("before", 1);
        var slow = AppendAsync("slow", 2);
        await Task.Delay(500);
        await AppendAsync("fast", 3);

        var batch = await new HistoryFeed(_dataSource).ReadAsync(FeedCursor.Start, 100, CancellationToken.None);

        Assert.Single(batch.Events);                   // only what lies below the gap
        Assert.NotNull(batch.Next.Hole);               // and it remembers the gap instead of skipping it
        await slow;
    }

    [Fact]
    public async Task Feeds_of_one_process_share_one_reading_of_open_transactions_while_they_wait_on_a_gap()
    {
        await AppendAsync("before", 1);
        var slow = AppendAsync("slow", 2);
        await Task.Delay(500);
        await AppendAsync("fast", 3);

        // A dozen feeds on one data source, as in a service under load, each stopped at the gap.
        var feeds = Enumerable.Range(0, 12).Select(_ => new HistoryFeed(_dataSource)).ToList();
        var cursors = (await Task.WhenAll(feeds.Select(f => f.ReadAsync(FeedCursor.Start, 100, CancellationToken.None)))).Select(b => b.Next).ToArray();
        Assert.All(cursors, c => Assert.NotNull(c.Hole));
        var horizon = TransactionHorizon.For(_dataSource);
        var before = horizon.Measurements;

        // Each polls every 10 ms for a second while the gap's transaction stays open: 1,200 questions.
        var polling = System.Diagnostics.Stopwatch.StartNew();
        while (polling.Elapsed < TimeSpan.FromSeconds(1))
        {
            var batches = await Task.WhenAll(feeds.Select((f, i) => f.ReadAsync(cursors[i], 100, CancellationToken.None)));
            Assert.All(batches, b => Assert.Empty(b.Events)); // nothing is handed out past an open transaction
            await Task.Delay(10);
        }
        var readings = horizon.Measurements - before;
        // At most one reading per interval for all of them (each feed reading for itself made 1,200).
        Assert.InRange(readings, 1, (long)(polling.Elapsed / TransactionHorizon.MinInterval) + 1);

        await slow;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var seen = new List<StoredEvent>[feeds.Count];
        for (var i = 0; i < feeds.Count; i++)
        {
            seen[i] = [];
            while (seen[i].Count < 2 && DateTime.UtcNow < deadline)
            {
                var batch = await feeds[i].ReadAsync(cursors[i], 100, CancellationToken.None);
                seen[i].AddRange(batch.Events);
                cursors[i] = batch.Next;
                await Task.Delay(20);
            }
        }
        // Once it commits, every feed hands out the late event and the one above it, in order.
        Assert.All(seen, events => Assert.Equal(["slow", "fast"], events.Select(e => System.Text.Json.JsonDocument.Parse(e.Data!).RootElement.GetProperty("txHash").GetString())));
    }

    private async Task AppendAsync(string marker, long size)
    {
        await using var session = _store.LightweightSession();
        session.Events.StartStream($"chain/test/{Guid.NewGuid():N}",
            new TreeHeadAnchored(size, "0x00", 31337, "0x00", marker, 0, DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _dataSource.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(_database);
    }
}
