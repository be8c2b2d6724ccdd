using CommunityAI.Formats.Log;
using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// Appends batches of history events to the log one transaction each, building a batch while the one before it
/// commits. A batch's write starts only once the previous write has committed, so commits stay in order; if one fails,
/// every later call throws and nothing after it is written: the committed head is the only state that survives, and the
/// next term resumes from it.
/// </summary>
/// <param name="store">The log's tables.</param>
/// <param name="head">The committed head to append after.</param>
/// <param name="range">The tree's right edge at that head.</param>
/// <param name="committed">Called after each commit with the batch's entry count and the new head.</param>
public sealed class LogAppender(LogStore store, LogHead head, CompactRange range, Action<int, LogHead> committed)
{
    private Task writing = Task.CompletedTask;

    /// <summary>An appender that resumes from the committed head, its tree's right edge read back from the stored nodes.</summary>
    public static async Task<LogAppender> ResumeAsync(LogStore store, Action<int, LogHead> committed, CancellationToken ct)
    {
        var head = await store.ReadHeadAsync(ct);
        var edge = await store.ReadNodesAsync(CompactRange.NodeIdsFor(head.TreeSize), ct);
        var range = CompactRange.Restore(head.TreeSize, id => edge.GetValueOrDefault(id));
        return new LogAppender(store, head, range, committed);
    }

    /// <summary>The head after every batch handed in so far (the last one may still be committing).</summary>
    public LogHead Head => head;

    /// <summary>
    /// Builds the log rows of <paramref name="events"/>, waits for the previous batch's commit, and starts this one's;
    /// returns once it has started. Throws if the previous batch failed to commit.
    /// </summary>
    /// <param name="events">The next events in store order, right after those already handed in.</param>
    /// <param name="lastSequence">The store position the head records once the batch is in (the feed's checkpoint).</param>
    /// <param name="ct">Cancels the build and the write.</param>
    public async Task AppendAsync(IReadOnlyList<StoredEvent> events, long lastSequence, CancellationToken ct)
    {
        var batch = LogBatch.Append(range, events);
        var next = batch.Head(lastSequence);
        await writing;
        writing = WriteAsync(head, next, batch, ct);
        (head, range) = (next, batch.Range);
    }

    /// <summary>Completes when every batch handed in has committed; throws the failure of the one that did not.</summary>
    public Task FlushAsync() => writing;

    private async Task WriteAsync(LogHead previous, LogHead next, LogBatch batch, CancellationToken ct)
    {
        await store.AppendAsync(previous, next, batch.Entries, batch.Nodes, ct);
        committed(batch.Entries.Count, next);
    }
}
