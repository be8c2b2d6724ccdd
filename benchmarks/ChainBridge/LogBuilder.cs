using System.Diagnostics;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Log;

namespace CommunityAI.Benchmarks.ChainBridge;

/// <summary>
/// Grows the log in PostgreSQL the way the log writer does, batch by batch: <see cref="LogBatch.Append"/>
/// then <see cref="LogStore.AppendAsync"/> (entries, nodes and head in one transaction, binary COPY).
/// Only the history feed read is left out: the events are made in memory.
/// </summary>
internal sealed class LogBuilder(LogStore store)
{
    private LogHead _head = new(0, LogHasher.EmptyRoot.ToArray(), 0);
    private CompactRange _range = CompactRange.Empty;

    public long Size => _range.Size;

    /// <summary>Appends <paramref name="leaves"/> entries in batches of <paramref name="batchSize"/>; returns leaves per second.</summary>
    public async Task<double> AppendAsync(long leaves, int batchSize)
    {
        var watch = Stopwatch.StartNew();
        var target = _range.Size + leaves;
        while (_range.Size < target)
        {
            var count = (int)Math.Min(batchSize, target - _range.Size);
            var events = SyntheticHistory.Batch(_head.LastSequence + 1, count);
            var batch = LogBatch.Append(_range, events);
            var next = batch.Head(events[^1].Sequence);
            await store.AppendAsync(_head, next, batch.Entries, batch.Nodes, CancellationToken.None);
            (_head, _range) = (next, batch.Range);
        }
        return leaves / watch.Elapsed.TotalSeconds;
    }
}
