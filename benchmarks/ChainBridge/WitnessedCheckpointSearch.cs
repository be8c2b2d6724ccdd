using System.Diagnostics;
using CommunityAI.ChainBridge.Checkpoints;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Notes;
using Npgsql;

namespace CommunityAI.Benchmarks.ChainBridge;

/// <summary>
/// The search behind a witnessed <c>/checkpoint</c> (two of two witnesses required) on a table of cosignatures, in two
/// states: both witnesses keeping up (both cosigned every size), and the second stopped early while the first went on
/// cosigning every size. Measured: the search before the newest-size table (the reference, kept here) and
/// <see cref="CosignatureStore.SizesCosignedAsync"/>, which starts below the second-newest witness's newest size.
/// Signatures are random bytes: only the search is timed, not the lines' verification (which is the same either way).
/// </summary>
internal static class WitnessedCheckpointSearch
{
    private const string S = LogSchema.Schema;

    private const string SearchBefore = $"""
        SELECT tree_size FROM {S}.checkpoint_cosignatures
        WHERE tree_size <= @atMost AND (witness, key_hash) IN (SELECT * FROM unnest(@names::text[], @hashes::bigint[]))
        GROUP BY tree_size HAVING count(*) >= @required
        ORDER BY tree_size DESC LIMIT 4
        """;

    private static readonly NoteKey[] Witnesses =
    [
        new NoteSigner("first.witness.example", Enumerable.Repeat((byte)1, 32).ToArray(), NoteKey.CosignatureType).Key,
        new NoteSigner("second.witness.example", Enumerable.Repeat((byte)2, 32).ToArray(), NoteKey.CosignatureType).Key,
    ];

    public sealed record Result(string State, long Rows, long Served, double BeforeP50, double BeforeMax, double AfterP50, double AfterMax);

    /// <param name="size">Sizes the first witness cosigned (1 … size).</param>
    /// <param name="stoppedAt">The second witness's last size when stopped.</param>
    public static async Task<IReadOnlyList<Result>> MeasureAsync(NpgsqlDataSource dataSource, long size, long stoppedAt, int samples)
    {
        var store = new CosignatureStore(dataSource);
        var results = new List<Result>();
        await FillAsync(dataSource, size, secondThrough: size);
        results.Add(await TimeAsync(dataSource, store, "both witnesses keep up", size, samples));
        await FillAsync(dataSource, size, secondThrough: stoppedAt);
        results.Add(await TimeAsync(dataSource, store, $"second witness stopped at {stoppedAt:N0}", size, samples));
        return results;
    }

    private static async Task FillAsync(NpgsqlDataSource dataSource, long size, long secondThrough)
    {
        await using var command = dataSource.CreateCommand($"""
            TRUNCATE {S}.checkpoint_cosignatures, {S}.checkpoint_witness_latest;
            INSERT INTO {S}.checkpoint_cosignatures (tree_size, witness, key_hash, signature)
                SELECT n, @name0, @hash0, gen_random_uuid()::text::bytea FROM generate_series(1, @size) n
                UNION ALL SELECT n, @name1, @hash1, gen_random_uuid()::text::bytea FROM generate_series(1, @second) n;
            INSERT INTO {S}.checkpoint_witness_latest VALUES (@name0, @hash0, @size), (@name1, @hash1, @second);
            ANALYZE {S}.checkpoint_cosignatures;
            ANALYZE {S}.checkpoint_witness_latest;
            """);
        command.CommandTimeout = 600;
        command.Parameters.AddWithValue("name0", Witnesses[0].Name);
        command.Parameters.AddWithValue("hash0", (long)Witnesses[0].KeyHash);
        command.Parameters.AddWithValue("name1", Witnesses[1].Name);
        command.Parameters.AddWithValue("hash1", (long)Witnesses[1].KeyHash);
        command.Parameters.AddWithValue("size", size);
        command.Parameters.AddWithValue("second", secondThrough);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<Result> TimeAsync(NpgsqlDataSource dataSource, CosignatureStore store, string state, long size, int samples)
    {
        long rows;
        await using (var count = dataSource.CreateCommand($"SELECT count(*) FROM {S}.checkpoint_cosignatures"))
            rows = (long)(await count.ExecuteScalarAsync())!;
        var before = new List<double>();
        var after = new List<double>();
        long served = 0;
        for (var i = -3; i < samples; i++) // the first few warm up JIT, pools and caches
        {
            var started = Stopwatch.GetTimestamp();
            var old = await BeforeAsync(dataSource, size);
            var beforeMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            started = Stopwatch.GetTimestamp();
            var now = await store.SizesCosignedAsync(Witnesses, 2, size, 4, CancellationToken.None);
            var afterMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // A fast wrong answer is no result.
            if (!old.SequenceEqual(now))
                throw new InvalidOperationException($"{state}: before found [{string.Join(',', old)}], after [{string.Join(',', now)}]");
            served = now[0];
            if (i < 0)
                continue;
            before.Add(beforeMs);
            after.Add(afterMs);
        }
        before.Sort();
        after.Sort();
        return new Result(state, rows, served, before[before.Count / 2], before[^1], after[after.Count / 2], after[^1]);
    }

    private static async Task<List<long>> BeforeAsync(NpgsqlDataSource dataSource, long atMost)
    {
        await using var command = dataSource.CreateCommand(SearchBefore);
        command.Parameters.AddWithValue("atMost", atMost);
        command.Parameters.AddWithValue("names", Witnesses.Select(w => w.Name).ToArray());
        command.Parameters.AddWithValue("hashes", Witnesses.Select(w => (long)w.KeyHash).ToArray());
        command.Parameters.AddWithValue("required", 2L);
        var sizes = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            sizes.Add(reader.GetInt64(0));
        return sizes;
    }
}
