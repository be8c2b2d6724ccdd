using System.Diagnostics;
using CommunityAI.Benchmarks;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;
using Marten;
using Npgsql;

namespace CommunityAI.Benchmarks.RewardLedger;

/// <summary>
/// What an epoch close costs against a large history, and what credits wait meanwhile: the close sums every credit and
/// debit the history holds (<see cref="CreditHistory"/>), most of them before it takes the epoch gate every credit takes
/// and the newest under it. A synthetic
/// history of <c>events</c> rows of other services' kind (one filler stream) and <c>credits</c> rewards over
/// <c>addresses</c> contributors; the close's sum alone with the set-up's former indexes and with its index on the ledger's
/// entries as well (<see cref="HistoryIndexes.LedgerEntries"/>), to the same totals, each time followed by a real close
/// with credits sent while it runs; then a close begun after its epoch's end on the clock, as the running ledger's.
/// </summary>
internal static class EpochCloses
{
    public static async Task RunAsync(IDocumentStore store, NpgsqlDataSource poll, NpgsqlDataSource service, EpochCloser closer,
        CreditWriter writer, ShiftedClock clock, EpochOptions epochs, Func<int, ContributionScored> newScored, int events, int credits, int addresses)
    {
        await writer.CreditAsync([newScored(0)], feedCheckpoint: null, traces: null, default); // warm-up (JIT, pools); the first credit opens the epoch to close
        var epoch = await closer.NextToCloseAsync(default) ?? throw new InvalidOperationException("nothing was credited");
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("bench/filler", newScored(1));
            session.Events.StartStream(CreditHistory.CreditStreamPrefix + "bench", new ContributionRewarded(
                "bench", "0x0000000000000000000000000000000000000001", "1000", epoch, "genesis", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        var fill = Stopwatch.StartNew();
        await BenchSql.CopyFirstEventAsync(poll, "bench/filler", events);
        // Rewards spread over the addresses (lower-case hex, which EIP-55 reads as unchecked), after the filler.
        await BenchSql.CopyFirstEventAsync(poll, CreditHistory.CreditStreamPrefix + "bench", credits,
            "jsonb_set(e.data, '{contributor}', to_jsonb('0x' || lpad(to_hex(g % @addresses + 1), 40, '0')))", ("addresses", addresses));
        await BenchSql.ExecuteAsync(poll, "ANALYZE history.mt_events");
        // The invalidation follower at the head, as in a running ledger: a credit reads only the activations past it.
        await using (var session = store.LightweightSession())
        {
            session.Store(new FollowerCheckpoint(InvalidationFollower.CheckpointKey,
                await BenchSql.ScalarAsync(poll, "SELECT max(seq_id) FROM history.mt_events")));
            await session.SaveChangesAsync();
        }
        Console.WriteLine($"history: {await BenchSql.ScalarAsync(poll, "SELECT count(*) FROM history.mt_events"):N0} events, {credits:N0} of them rewards " +
                          $"to {addresses:N0} addresses (filled in {fill.Elapsed.TotalSeconds:F1} s)");

        var alone = Stopwatch.StartNew();
        await writer.CreditAsync([newScored(2)], feedCheckpoint: null, traces: null, default);
        alone.Stop();
        Console.WriteLine($"  a credit alone: {alone.Elapsed.TotalMilliseconds:F1} ms");

        // Before: the set-up's indexes as they were, the rewards' own among them (CreditsByContributor).
        foreach (var former in HistoryIndexes.All.Where(i => i != HistoryIndexes.LedgerEntries && i != HistoryIndexes.RewardsInOrder))
            await BenchSql.ExecuteAsync(poll, $"CREATE INDEX {former.Name} ON history.mt_events {former.Definition}");
        await BenchSql.ExecuteAsync(poll, "ANALYZE history.mt_events");
        var before = await SumAsync(epoch, "without the entries' index");
        await CloseAsync(epoch);
        var index = Stopwatch.StartNew();
        await HistoryIndexes.CreateAsync(poll, default);
        await BenchSql.ExecuteAsync(poll, "ANALYZE history.mt_events");
        Console.WriteLine($"  the entries' index built in {index.Elapsed.TotalSeconds:F1} s");
        // The next epoch's close sums the same entries (they are all before it) to the same totals.
        var after = await SumAsync(epoch + 1, "with the entries' index");
        await CloseAsync(epoch + 1);
        Console.WriteLine($"  the sum with the index: {after / before:P1} of its time without it");

        // The two closes above begin before their epoch's end on the clock, so every credit sent during them belongs to the
        // epoch closing and the close builds its claim tree again under the gate. The running ledger closes an epoch after
        // its end (DueEpochCloser): credits sent meanwhile carry the next epoch and the tree built before the gate stands.
        clock.Advance(epochs.EndOf(epoch + 2) - clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        Console.WriteLine($"  the clock moved past epoch {epoch + 2}'s end, as when the running ledger closes it:");
        await CloseAsync(epoch + 2);

        // A real close, and a credit sent once the close is summing, then one after another until it commits: a credit
        // waits for the epoch gate only while the close holds it (its read of the entries after the settled sequence).
        async Task CloseAsync(long number)
        {
            var close = Stopwatch.StartNew();
            var closing = closer.CloseAsync(number, default);
            while (!closing.IsCompleted && await BenchSql.ScalarAsync(poll,
                       "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%jsonb_array_elements%' AND pid <> pg_backend_pid()") == 0)
                await Task.Delay(1);
            var waits = new List<double>();
            var sent = 0;
            do
            {
                var during = Stopwatch.StartNew();
                await writer.CreditAsync([newScored(sent++)], feedCheckpoint: null, traces: null, default);
                waits.Add(during.Elapsed.TotalMilliseconds);
            }
            while (!closing.IsCompleted);
            var closed = await closing ?? throw new InvalidOperationException($"epoch {number} was closed already");
            close.Stop();
            Console.WriteLine($"  a real close of epoch {number}: {close.Elapsed.TotalMilliseconds:F0} ms, {closed.Claims.Count:N0} claims; " +
                              $"a credit sent while it summed took {waits[0]:F0} ms; {waits.Count} credits sent one after another during the close, " +
                              $"the longest {waits.Max():F0} ms, median {waits.Order().ElementAt(waits.Count / 2):F0} ms");
        }

        async Task<double> SumAsync(long number, string label)
        {
            var times = new List<double>();
            CreditTotals totals = null!;
            for (var run = 0; run < 3; run++)
            {
                await using var connection = await service.OpenConnectionAsync();
                var watch = Stopwatch.StartNew();
                totals = await CreditHistory.UpToAsync(connection, number, default);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine($"    its plan reads: {string.Join(", ", (await PlanAsync(poll, number)).GroupBy(scan => scan).Select(g => $"{g.Count()} × {g.Key}"))}");
            var tree = Stopwatch.StartNew();
            EpochClosing.Close(number, totals.Cumulative, totals.InEpoch, DateTimeOffset.UtcNow);
            Console.WriteLine($"  the close's sum {label,-34} {string.Join(", ", times.Select(t => t.ToString("F0")))} ms " +
                              $"({totals.Cumulative.Count:N0} addresses; their claim tree {tree.Elapsed.TotalMilliseconds:F0} ms)");
            return times.Min();
        }
    }

    // How each part of the close's sum reads the history, as the planner chooses on this history.
    private static async Task<List<string>> PlanAsync(NpgsqlDataSource poll, long epoch)
    {
        await using var command = poll.CreateCommand("EXPLAIN " + CreditHistory.EntriesThroughSql);
        command.Parameters.AddWithValue("epoch", epoch);
        command.Parameters.AddWithValue("through", long.MaxValue);
        command.Parameters.AddWithValue("streams", CreditHistory.CreditStreamPrefix);
        command.Parameters.AddWithValue("revenueStreams", CreditHistory.RevenueStreamPrefix);
        command.Parameters.AddWithValue("gainStreams", CreditHistory.GainStreamPrefix);
        command.Parameters.AddWithValue("dataValueStreams", CreditHistory.DataValueStreamPrefix);
        var scans = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            if (System.Text.RegularExpressions.Regex.Match(reader.GetString(0), @"(Seq Scan|Index Scan using \w+|Index Only Scan using \w+|Bitmap Index Scan on \w+)") is { Success: true } m)
                scans.Add(m.Value);
        return scans;
    }
}
