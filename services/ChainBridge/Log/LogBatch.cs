using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using CommunityAI.Formats.Log;
using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// One batch of history events turned into log rows: each event's entry at the next index, its leaf hash,
/// the perfect subtrees it completes, and the head after it. Pure: the writer loads and stores around it.
/// </summary>
public sealed record LogBatch(IReadOnlyList<LogEntry> Entries, IReadOnlyList<LogNode> Nodes, CompactRange Range)
{
    // Below this many events the work is not worth handing to other cores.
    private const int ParallelFrom = 256;

    public static LogBatch Append(CompactRange range, IReadOnlyList<StoredEvent> events)
    {
        // An entry and its leaf hash depend on the event and its index only, so they are built on every core;
        // the tree takes the leaves in order on this one.
        var entries = new LogEntry[events.Count];
        var start = range.Size;
        if (events.Count < ParallelFrom)
            Build(start, events, entries, 0, events.Count);
        else
            BuildInParallel(start, events, entries);

        var nodes = new List<LogNode>(events.Count * 2);
        foreach (var entry in entries)
            range = range.Append(entry.LeafHash, nodes);
        return new LogBatch(entries, nodes, range);
    }

    /// <summary>The head once this batch is committed, having taken in the store up to <paramref name="lastSequence"/>.</summary>
    public LogHead Head(long lastSequence) => new(Range.Size, Range.RootHash(), lastSequence);

    private static void Build(long start, IReadOnlyList<StoredEvent> events, LogEntry[] entries, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var stored = events[i];
            var entry = LogEntryEnvelope.Build(start + i, stored);
            entries[i] = new LogEntry(start + i, stored.Sequence, entry, LogHasher.HashLeaf(entry));
        }
    }

    private static void BuildInParallel(long start, IReadOnlyList<StoredEvent> events, LogEntry[] entries)
    {
        var chunk = Math.Max(64, events.Count / (Environment.ProcessorCount * 4));
        try
        {
            Parallel.ForEach(Partitioner.Create(0, events.Count, chunk), part => Build(start, events, entries, part.Item1, part.Item2));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Callers see the event's own failure (a refused envelope), as they would from one thread.
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }
}
