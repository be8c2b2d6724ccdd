using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;
using Npgsql;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// Tells the bus where events sit in the log (<see cref="LogEntriesAppended"/>), following the log's own table with a
/// checkpoint of its own: at least once, in index order, and never before the entries committed. The writer never
/// waits on the broker; while the broker is away the notices wait here and go out once it answers, so a service's
/// view of its log indexes (and of what is anchored) is complete after any outage or crash. Its checkpoint is stored as
/// an outbox stores its own (<see cref="CheckpointCadence"/>): at most once a second while the log grows, so a restart
/// tells the bus again at most a second's notices, which their consumers take as they take any re-publish.
/// </summary>
public sealed partial class LogNoticePublisher(
    LogStore store, ConfirmedPublisher publisher, LogPulse appended, ILogger<LogNoticePublisher> logger) : ILeaderJob
{
    private const int BatchSize = 1000;

    /// <summary>The writer's commits wake the publisher (<see cref="LogPulse"/>); the poll is for a writer on another replica.</summary>
    private static readonly TimeSpan FirstIdleWait = TimeSpan.FromMilliseconds(100), LongestIdleWait = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two stores of the checkpoint while notices keep going out.</summary>
    public static readonly TimeSpan StoreCheckpointEvery = TimeSpan.FromSeconds(1);

    public LeaderLoopSettings Settings { get; } = new("log-notices");

    /// <summary>
    /// Publishes from the checkpoint on. After a failure (broker or database away) the checkpoint did not move, so the
    /// same notices go out again in the next term.
    /// </summary>
    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        var noticed = new CheckpointCadence(await store.ReadNoticedThroughAsync(ct), StoreCheckpointEvery);
        var idle = new IdleWait(FirstIdleWait, LongestIdleWait);
        while (!ct.IsCancellationRequested)
        {
            var committed = appended.Next;
            var entries = await store.ReadNoticesAsync(noticed.Done, BatchSize, ct);
            if (entries.Count > 0)
            {
                await publisher.PublishAsync(new LogEntriesAppended(entries[0].Index, entries), ct);
                noticed.Reached(entries[^1].Index + 1);
                LogNoticed(entries.Count, noticed.Done);
            }
            await noticed.StoreWhenDueAsync(store.SaveNoticedThroughAsync, ct);
            if (!await term.WaitOrWakeAsync(idle.AfterLook(entries.Count, BatchSize), committed, ct))
                return;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published the log indexes of {Count} entries; noticed through {Through}")]
    private partial void LogNoticed(int count, long through);
}
