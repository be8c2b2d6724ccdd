using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using MassTransit;
using Npgsql;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// Tells the bus where events sit in the log (<see cref="LogEntriesAppended"/>), following the log's own table with a
/// checkpoint of its own: at least once, in index order, and never before the entries committed. The writer never
/// waits on the broker; while the broker is away the notices wait here and go out once it answers, so a service's
/// view of its log indexes (and of what is anchored) is complete after any outage or crash.
/// </summary>
public sealed partial class LogNoticePublisher(NpgsqlDataSource dataSource, LogStore store, IBus bus, ILogger<LogNoticePublisher> logger)
    : BackgroundService
{
    private const int BatchSize = 1000;
    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LogSchema.EnsureAsync(dataSource, stoppingToken);
                await using var leader = await LeaderLock.TryAcquireAsync(dataSource, "log-notices", stoppingToken);
                if (leader is null)
                {
                    await Task.Delay(RetryDelay, stoppingToken);
                    continue;
                }
                await PublishWhileLeadingAsync(leader, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Broker or database away: the checkpoint did not move, so the same notices go out again later.
                LogNoticesPaused(ex);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    private async Task PublishWhileLeadingAsync(LeaderLock leader, CancellationToken ct)
    {
        var next = await store.ReadNoticedThroughAsync(ct);
        var idle = 0;
        while (!ct.IsCancellationRequested)
        {
            var entries = await store.ReadNoticesAsync(next, BatchSize, ct);
            if (entries.Count == 0)
            {
                if (++idle % 50 == 0 && !await leader.IsHeldAsync(ct))
                    return;
                await Task.Delay(IdleDelay, ct);
                continue;
            }
            await bus.Publish(new LogEntriesAppended(entries[0].Index, entries), ct);
            next = entries[^1].Index + 1;
            await store.SaveNoticedThroughAsync(next, ct);
            LogNoticed(entries.Count, next);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published the log indexes of {Count} entries; noticed through {Through}")]
    private partial void LogNoticed(int count, long through);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log notices paused after a failure; they resume from their checkpoint")]
    private partial void LogNoticesPaused(Exception ex);
}
