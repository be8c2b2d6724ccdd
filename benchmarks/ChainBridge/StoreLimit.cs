using System.Diagnostics;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Log;

namespace CommunityAI.Benchmarks.ChainBridge;

/// <summary>
/// What PostgreSQL takes in of the writer's rows when the writer's CPU work costs nothing: the same batches (entries,
/// nodes and head, one transaction each, through the writer's own <see cref="LogStore.AppendAsync"/>), every one built
/// before the clock starts, stored one after another into a log of their own. The writer builds a batch while the one
/// before commits, so it can come near this rate but not past it; the goal's yardstick (hash + tree) leaves the store out.
/// </summary>
internal static class StoreLimit
{
    public sealed record Result(double SmallBatchesPerSecond, double BulkPerSecond);

    /// <summary>Stores <paramref name="smallLeaves"/> leaves at 1,000 a batch, then <paramref name="bulkLeaves"/> at the writer's batch size.</summary>
    public static async Task<Result> MeasureAsync(LogStore store, long smallLeaves, long bulkLeaves)
    {
        var head = new LogHead(0, LogHasher.EmptyRoot.ToArray(), 0);
        var range = CompactRange.Empty;
        var small = await StoreAsync(1_000, smallLeaves);
        var bulk = bulkLeaves > 0 ? await StoreAsync(HashingLimit.BatchSize, bulkLeaves) : double.NaN;
        return new Result(small, bulk);

        async Task<double> StoreAsync(int batchSize, long leaves)
        {
            var batches = new List<(LogHead Previous, LogHead Next, LogBatch Batch)>();
            for (var stored = 0L; stored < leaves; stored += batchSize)
            {
                var events = SyntheticHistory.Batch(head.LastSequence + 1, (int)Math.Min(batchSize, leaves - stored));
                var batch = LogBatch.Append(range, events);
                var next = batch.Head(events[^1].Sequence);
                batches.Add((head, next, batch));
                (head, range) = (next, batch.Range);
            }
            var watch = Stopwatch.StartNew();
            foreach (var (previous, next, batch) in batches)
                await store.AppendAsync(previous, next, batch.Entries, batch.Nodes, CancellationToken.None);
            return leaves / watch.Elapsed.TotalSeconds;
        }
    }
}
