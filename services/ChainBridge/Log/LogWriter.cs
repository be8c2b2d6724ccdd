using CommunityAI.Formats.Log;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// Gives every history event, in store order, the next dense log index and appends its leaf. One active
/// instance (leader lock); each batch commits entries, nodes and head together, so a crash mid-batch
/// leaves no gap and no duplicate: the next leader resumes from the committed head. It never waits on the broker:
/// <see cref="LogNoticePublisher"/> tells the bus about committed entries.
/// </summary>
public sealed partial class LogWriter(NpgsqlDataSource dataSource, LogStore store, ILogger<LogWriter> logger) : BackgroundService
{
    private const int BatchSize = 1000;
    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await LogSchema.EnsureAsync(dataSource, stoppingToken);
        var feed = new HistoryFeed(dataSource);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var leader = await LeaderLock.TryAcquireAsync(dataSource, "log-writer", stoppingToken);
                if (leader is null)
                {
                    await Task.Delay(RetryDelay, stoppingToken);
                    continue;
                }
                await WriteWhileLeadingAsync(feed, leader, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogWriterPaused(ex);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    private async Task WriteWhileLeadingAsync(HistoryFeed feed, LeaderLock leader, CancellationToken ct)
    {
        var head = await store.ReadHeadAsync(ct);
        var edge = await store.ReadNodesAsync(CompactRange.NodeIdsFor(head.TreeSize), ct);
        var range = CompactRange.Restore(head.TreeSize, id => edge.GetValueOrDefault(id));
        var cursor = new FeedCursor(head.LastSequence);
        var idle = 0;
        while (!ct.IsCancellationRequested)
        {
            var batch = await feed.ReadAsync(cursor, BatchSize, ct);
            if (batch.Events.Count == 0)
            {
                cursor = batch.Next;
                if (++idle % 50 == 0 && !await leader.IsHeldAsync(ct))
                    return;
                await Task.Delay(IdleDelay, ct);
                continue;
            }

            var appended = LogBatch.Append(range, batch.Events);
            var entries = appended.Entries;
            var next = appended.Head(batch.Next.Checkpoint);
            await store.AppendAsync(head, next, entries, appended.Nodes, ct);
            range = appended.Range;
            LogAppended(entries.Count, next.TreeSize);
            head = next;
            cursor = batch.Next;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Appended {Count} entries; tree size {TreeSize}")]
    private partial void LogAppended(int count, long treeSize);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log writer paused after a failure; it resumes from the committed head")]
    private partial void LogWriterPaused(Exception ex);
}
