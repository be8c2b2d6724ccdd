using System.Globalization;
using CommunityAI.ChainBridge.Apis;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ChainBridge.IntegrationTests.Log;

/// <summary>
/// The log writer's path into PostgreSQL: batches built on every core, written one ahead of their commit by binary
/// COPY. What it stores must read back and prove exactly as a log built leaf by leaf on one thread, and a batch that
/// fails mid-write must leave the committed head, and nothing after it, in place.
/// </summary>
public sealed class LogAppenderTests : IAsyncLifetime
{
    private string _database = "";
    private NpgsqlDataSource _dataSource = null!;
    private LogStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("logappend");
        _dataSource = NpgsqlDataSource.Create(_database);
        await LogSchema.EnsureAsync(_dataSource, CancellationToken.None);
        _store = new LogStore(_dataSource);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task Batches_written_one_ahead_read_back_and_prove_like_a_log_built_leaf_by_leaf()
    {
        var events = Events(2_600);
        var commits = new List<(int Count, long TreeSize)>();
        var appender = await LogAppender.ResumeAsync(_store, (count, head) => commits.Add((count, head.TreeSize)), CancellationToken.None);

        // Sizes either side of the parallel threshold, and boundaries that cut perfect subtrees.
        var taken = 0;
        foreach (var size in new[] { 1, 255, 256, 1_000, 1_088 })
        {
            var batch = events.Skip(taken).Take(size).ToList();
            await appender.AppendAsync(batch, batch[^1].Sequence, CancellationToken.None);
            taken += size;
        }
        await appender.FlushAsync();

        Assert.Equal([(1, 1L), (255, 256L), (256, 512L), (1_000, 1_512L), (1_088, 2_600L)], commits);
        var leaves = await AssertReadsBackAsync(events);

        foreach (var (index, size) in new[] { (0L, 1L), (0L, 2_600L), (255L, 256L), (256L, 257L), (511L, 1_512L), (1_511L, 1_512L), (2_599L, 2_600L), (1_234L, 2_048L) })
        {
            var result = (await LogApi.InclusionAsync([Text(index)], [Text(size)], _store, CancellationToken.None)).Result;
            var proof = Assert.IsType<Ok<LogApi.InclusionResponse>>(result).Value!;
            Assert.Equal(Hex.Encode(leaves[(int)index]), proof.LeafHash);
            var verdict = ProofVerifier.VerifyInclusion(index, size, leaves[(int)index], proof.AuditPath.Select(h => Hex.Decode(h)).ToList(), RootOf(leaves, size));
            Assert.True(verdict.IsValid, $"inclusion {index}/{size}: {verdict.Message}");
        }

        foreach (var (first, second) in new[] { (1L, 2_600L), (256L, 512L), (257L, 1_512L), (512L, 2_600L), (1_512L, 2_600L), (1_000L, 2_047L), (2_600L, 2_600L) })
        {
            var result = (await LogApi.ConsistencyAsync([Text(first)], [Text(second)], _store, CancellationToken.None)).Result;
            var proof = Assert.IsType<Ok<LogApi.ConsistencyResponse>>(result).Value!;
            var verdict = ProofVerifier.VerifyConsistency(first, second, RootOf(leaves, first), RootOf(leaves, second), proof.Proof.Select(h => Hex.Decode(h)).ToList());
            Assert.True(verdict.IsValid, $"consistency {first}/{second}: {verdict.Message}");
        }
    }

    [Fact]
    public async Task A_batch_failing_mid_write_leaves_the_head_where_it_was_and_nothing_after_it_is_written()
    {
        var events = Events(3_000);
        // The database refuses the node over leaves 1,500 and 1,501, in the second batch: its entries are copied by then, its nodes half.
        await ExecuteAsync("""
            CREATE FUNCTION chainbridge.crash() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.level = 1 AND NEW.node_index = 750 THEN RAISE EXCEPTION 'crash mid-batch'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER crash BEFORE INSERT ON chainbridge.log_nodes FOR EACH ROW EXECUTE FUNCTION chainbridge.crash();
            """);
        var appender = await LogAppender.ResumeAsync(_store, (_, _) => { }, CancellationToken.None);
        await appender.AppendAsync(events[..1_000], events[999].Sequence, CancellationToken.None);
        await appender.AppendAsync(events[1_000..2_000], events[1_999].Sequence, CancellationToken.None);
        // The third batch is built, then finds the second failed: it is never written.
        var failure = await Assert.ThrowsAsync<PostgresException>(() => appender.AppendAsync(events[2_000..], events[^1].Sequence, CancellationToken.None));
        Assert.Contains("crash mid-batch", failure.MessageText, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PostgresException>(appender.FlushAsync);

        var head = await _store.ReadHeadAsync(CancellationToken.None);
        Assert.Equal((1_000L, events[999].Sequence), (head.TreeSize, head.LastSequence));
        var leaves = events[..1_000].Select((e, i) => LogHasher.HashLeaf(LogEntryEnvelope.Build(i, e))).ToList();
        Assert.Equal(RootOf(leaves, 1_000), head.RootHash);
        Assert.Equal(1_000L, await ScalarAsync("SELECT count(*) FROM chainbridge.log_entries"));
        Assert.Equal(999L, await ScalarAsync("SELECT max(log_index) FROM chainbridge.log_entries"));
        // Every completed parent of a 1,000-leaf tree (leaves live in the entries), and nothing else: n - popcount(n).
        Assert.Equal(1_000L - 6, await ScalarAsync("SELECT count(*) FROM chainbridge.log_nodes"));

        // The next term resumes from the committed head and writes the rest: no gap, no duplicate.
        await ExecuteAsync("DROP TRIGGER crash ON chainbridge.log_nodes");
        var resumed = await LogAppender.ResumeAsync(_store, (_, _) => { }, CancellationToken.None);
        Assert.Equal(1_000L, resumed.Head.TreeSize);
        await resumed.AppendAsync(events[1_000..2_000], events[1_999].Sequence, CancellationToken.None);
        await resumed.AppendAsync(events[2_000..], events[^1].Sequence, CancellationToken.None);
        await resumed.FlushAsync();
        await AssertReadsBackAsync(events);
    }

    [Fact]
    public async Task A_log_that_also_holds_leaf_rows_in_the_nodes_table_resumes_and_proves()
    {
        // Logs written before 2026-12 hold every leaf hash in log_nodes too; nothing may read them twice or differently.
        var events = Events(700);
        var appender = await LogAppender.ResumeAsync(_store, (_, _) => { }, CancellationToken.None);
        await appender.AppendAsync(events[..333], events[332].Sequence, CancellationToken.None);
        await appender.FlushAsync();
        await ExecuteAsync("INSERT INTO chainbridge.log_nodes (level, node_index, hash) SELECT 0, log_index, leaf_hash FROM chainbridge.log_entries");

        var resumed = await LogAppender.ResumeAsync(_store, (_, _) => { }, CancellationToken.None);
        await resumed.AppendAsync(events[333..], events[^1].Sequence, CancellationToken.None);
        await resumed.FlushAsync();
        var leaves = await AssertReadsBackAsync(events);

        foreach (var (index, size) in new[] { (332L, 333L), (0L, 333L), (699L, 700L), (333L, 699L) })
        {
            var proof = Assert.IsType<Ok<LogApi.InclusionResponse>>((await LogApi.InclusionAsync([Text(index)], [Text(size)], _store, CancellationToken.None)).Result).Value!;
            Assert.True(ProofVerifier.VerifyInclusion(index, size, leaves[(int)index], proof.AuditPath.Select(h => Hex.Decode(h)).ToList(), RootOf(leaves, size)).IsValid, $"inclusion {index}/{size}");
        }
        var consistency = Assert.IsType<Ok<LogApi.ConsistencyResponse>>((await LogApi.ConsistencyAsync(["333"], ["699"], _store, CancellationToken.None)).Result).Value!;
        Assert.True(ProofVerifier.VerifyConsistency(333, 699, RootOf(leaves, 333), RootOf(leaves, 699), consistency.Proof.Select(h => Hex.Decode(h)).ToList()).IsValid);
    }

    /// <summary>Checks every stored entry, leaf and the head against the same events logged one by one; returns the leaves.</summary>
    private async Task<List<byte[]>> AssertReadsBackAsync(IReadOnlyList<StoredEvent> events)
    {
        var entries = await _store.ReadEntriesAsync(0, events.Count + 1, CancellationToken.None);
        Assert.Equal(events.Count, entries.Count);
        var leaves = new List<byte[]>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var expected = LogEntryEnvelope.Build(i, events[i]);
            Assert.Equal((i, events[i].Sequence), ((int)entries[i].Index, entries[i].Sequence));
            Assert.Equal(expected, entries[i].Entry);
            Assert.Equal(LogHasher.HashLeaf(expected), entries[i].LeafHash);
            leaves.Add(entries[i].LeafHash);
        }

        var head = await _store.ReadHeadAsync(CancellationToken.None);
        Assert.Equal((events.Count, events[^1].Sequence), ((int)head.TreeSize, head.LastSequence));
        Assert.Equal(RootOf(leaves, events.Count), head.RootHash);
        return leaves;
    }

    /// <summary>RFC 9162 §2.1.1 Merkle tree hash, straight from the definition.</summary>
    private static byte[] RootOf(IReadOnlyList<byte[]> leaves, long size) => Hash(leaves, 0, size);

    private static byte[] Hash(IReadOnlyList<byte[]> leaves, long start, long count)
    {
        if (count == 0)
            return LogHasher.EmptyRoot.ToArray();
        if (count == 1)
            return leaves[(int)start];
        var split = 1L;
        while (split * 2 < count)
            split *= 2;
        return LogHasher.HashChildren(Hash(leaves, start, split), Hash(leaves, start + split, count - split));
    }

    /// <summary>History rows with store gaps and varied data (escapes, astral characters, nesting, none at all).</summary>
    private static StoredEvent[] Events(int count) => Enumerable.Range(0, count).Select(i => new StoredEvent(
        3L * i + 5, new Guid(i, 7, 9, [1, 2, 3, 4, 5, 6, 7, 8]), $"contributions/{i % 17}", i % 5 + 1, i % 3 == 0 ? "contribution_scored" : "review_revealed",
        new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(i * 12_345L),
        i % 97 == 0 ? null : $$$"""{"n": {{{i}}}, "text": "é \"{{{i}}}\" 😀\n", "nested": {"b": [1, 2.5, null], "a": true}}""")).ToArray();

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
