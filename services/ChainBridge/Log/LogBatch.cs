using CommunityAI.Formats.Log;
using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// One batch of history events turned into log rows: each event's entry at the next index, its leaf hash,
/// the perfect subtrees it completes, and the head after it. Pure: the writer loads and stores around it.
/// </summary>
public sealed record LogBatch(IReadOnlyList<LogEntry> Entries, IReadOnlyList<LogNode> Nodes, CompactRange Range)
{
    public static LogBatch Append(CompactRange range, IReadOnlyList<StoredEvent> events)
    {
        var entries = new List<LogEntry>(events.Count);
        var nodes = new List<LogNode>(events.Count * 2);
        foreach (var stored in events)
        {
            var index = range.Size;
            var entry = LogEntryEnvelope.Build(index, stored);
            var leaf = LogHasher.HashLeaf(entry);
            entries.Add(new LogEntry(index, stored.Sequence, entry, leaf));
            range = range.Append(leaf, nodes);
        }
        return new LogBatch(entries, nodes, range);
    }

    /// <summary>The head once this batch is committed, having taken in the store up to <paramref name="lastSequence"/>.</summary>
    public LogHead Head(long lastSequence) => new(Range.Size, Range.RootHash(), lastSequence);
}
