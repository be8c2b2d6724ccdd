using System.Diagnostics;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Log;

namespace CommunityAI.Benchmarks.ChainBridge;

/// <summary>
/// Grows the log in PostgreSQL the way the log writer does, batch by batch through <see cref="LogAppender"/>:
/// <see cref="LogBatch.Append"/> builds a batch while <see cref="LogStore.AppendAsync"/> commits the one before it
/// (entries, nodes and head in one transaction, binary COPY). Only the history feed read is left out: the events
/// are made in memory.
/// </summary>
internal sealed class LogBuilder(LogStore store)
{
    private readonly LogAppender _appender = new(store, new LogHead(0, LogHasher.EmptyRoot.ToArray(), 0), CompactRange.Empty, (_, _) => { });

    public long Size => _appender.Head.TreeSize;

    /// <summary>Appends <paramref name="leaves"/> entries in batches of <paramref name="batchSize"/>; returns leaves per second.</summary>
    public async Task<double> AppendAsync(long leaves, int batchSize)
    {
        var watch = Stopwatch.StartNew();
        var target = Size + leaves;
        while (Size < target)
        {
            var count = (int)Math.Min(batchSize, target - Size);
            var events = SyntheticHistory.Batch(_appender.Head.LastSequence + 1, count);
            await _appender.AppendAsync(events, events[^1].Sequence, CancellationToken.None);
        }
        await _appender.FlushAsync();
        return leaves / watch.Elapsed.TotalSeconds;
    }
}
