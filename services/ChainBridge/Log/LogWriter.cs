using CommunityAI.Formats.Log;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// Gives every history event, in store order, the next dense log index and appends its leaf. One active
/// instance (leader lock); each batch commits entries, nodes and head together, so a crash mid-batch
/// leaves no gap and no duplicate: the next leader resumes from the committed head. It never waits on the broker:
/// <see cref="LogNoticePublisher"/> tells the bus about committed entries.
/// </summary>
public sealed partial class LogWriter(NpgsqlDataSource dataSource, LogStore store, LogGauges gauges, ILogger<LogWriter> logger) : ILeaderJob
{
    private const int BatchSize = 1000;
    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(100);

    public LeaderLoopSettings Settings { get; } = new("log-writer");

    /// <summary>Appends from the committed head on; after a failure the next term resumes from the committed head.</summary>
    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        var feed = new HistoryFeed(dataSource);
        var head = await store.ReadHeadAsync(ct);
        var edge = await store.ReadNodesAsync(CompactRange.NodeIdsFor(head.TreeSize), ct);
        var range = CompactRange.Restore(head.TreeSize, id => edge.GetValueOrDefault(id));
        var cursor = new FeedCursor(head.LastSequence);
        while (!ct.IsCancellationRequested)
        {
            var batch = await feed.ReadAsync(cursor, BatchSize, ct);
            if (batch.Events.Count == 0)
            {
                cursor = batch.Next;
                if (!await term.WaitAsync(IdleDelay, ct))
                    return;
                continue;
            }

            var appended = LogBatch.Append(range, batch.Events);
            var entries = appended.Entries;
            var next = appended.Head(batch.Next.Checkpoint);
            await store.AppendAsync(head, next, entries, appended.Nodes, ct);
            range = appended.Range;
            LogAppended(entries.Count, next.TreeSize);
            gauges.LogGrew(next.TreeSize);
            head = next;
            cursor = batch.Next;
            if (!await term.ContinueAsync(ct))
                return;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Appended {Count} entries; tree size {TreeSize}")]
    private partial void LogAppended(int count, long treeSize);
}
