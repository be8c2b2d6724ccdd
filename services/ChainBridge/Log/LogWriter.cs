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
    private const int BatchSize = 10_000;
    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(100);

    public LeaderLoopSettings Settings { get; } = new("log-writer");

    /// <summary>
    /// Appends from the committed head on; after a failure the next term resumes from the committed head. The next batch
    /// is read and built while the previous one commits (<see cref="LogAppender"/>); the term ends only once it has.
    /// </summary>
    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        var feed = new HistoryFeed(dataSource);
        var appender = await LogAppender.ResumeAsync(store, (count, next) =>
        {
            LogAppended(count, next.TreeSize);
            gauges.LogGrew(next.TreeSize);
        }, ct);
        var cursor = new FeedCursor(appender.Head.LastSequence);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var batch = await feed.ReadAsync(cursor, BatchSize, ct);
                if (batch.Events.Count == 0)
                {
                    cursor = batch.Next;
                    await appender.FlushAsync();
                    if (!await term.WaitAsync(IdleDelay, ct))
                        break;
                    continue;
                }

                await appender.AppendAsync(batch.Events, batch.Next.Checkpoint, ct);
                cursor = batch.Next;
                if (!await term.ContinueAsync(ct))
                    break;
            }
        }
        catch
        {
            // The batch in flight commits or not on its own; wait for it so the next term reads a settled head.
            await appender.FlushAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        await appender.FlushAsync();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Appended {Count} entries; tree size {TreeSize}")]
    private partial void LogAppended(int count, long treeSize);
}
