using Marten;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// The store is the outbox: publishes a service's own history events to RabbitMQ in sequence order,
/// at least once, with message id = event id, and only after they committed. The checkpoint moves
/// after the broker confirmed, so a crash in between re-publishes and idempotent consumers absorb it.
/// </summary>
public sealed partial class HistoryOutbox(
    OutboxRoutes routes,
    NpgsqlDataSource dataSource,
    IDocumentStore store,
    IBus bus,
    ILogger<HistoryOutbox> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = new HistoryFeed(dataSource, routes.StreamPrefix);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var leader = await LeaderLock.TryAcquireAsync(dataSource, "outbox:" + routes.Name, stoppingToken);
                if (leader is null)
                {
                    await Task.Delay(RetryDelay, stoppingToken);
                    continue;
                }
                LogLeading(routes.Name);
                await PublishWhileLeadingAsync(feed, leader, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Database or broker away: nothing moved the checkpoint, so we resume where we were.
                LogPublishFailed(ex, routes.Name);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    private async Task PublishWhileLeadingAsync(HistoryFeed feed, LeaderLock leader, CancellationToken ct)
    {
        var cursor = new FeedCursor(await LoadCheckpointAsync(ct));
        var sinceLeaseCheck = 0;
        while (!ct.IsCancellationRequested)
        {
            if (++sinceLeaseCheck >= 100)
            {
                sinceLeaseCheck = 0;
                if (!await leader.IsHeldAsync(ct))
                    return;
            }

            var batch = await feed.ReadAsync(cursor, BatchSize, ct);
            if (batch.Events.Count > 0)
            {
                await PublishInStreamOrderAsync(batch.Events, ct);
                await SaveCheckpointAsync(batch.Next.Checkpoint, ct);
            }
            if (batch.Events.Count == 0)
                await Task.Delay(IdleDelay, ct);
            cursor = batch.Next;
        }
    }

    /// <summary>Streams are published concurrently; events of one stream strictly in order.</summary>
    private Task PublishInStreamOrderAsync(IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var byStream = events.Where(e => e.Data is not null).GroupBy(e => e.StreamKey);
        return Task.WhenAll(byStream.Select(async stream =>
        {
            foreach (var stored in stream)
            {
                if (!routes.TryMap(stored, out var message, out var type))
                    continue;
                await bus.Publish(message, type, context =>
                {
                    context.MessageId = stored.Id;
                    context.Headers.Set("communityai-sequence", stored.Sequence);
                }, ct);
            }
        }));
    }

    private async Task<long> LoadCheckpointAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var checkpoint = await session.LoadAsync<OutboxCheckpoint>(routes.Name, ct);
        return checkpoint?.Sequence ?? 0;
    }

    private async Task SaveCheckpointAsync(long sequence, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(new OutboxCheckpoint(routes.Name, sequence));
        await session.SaveChangesAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox {Outbox} is publishing on this instance")]
    private partial void LogLeading(string outbox);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {Outbox} paused after a failure; it resumes from its checkpoint")]
    private partial void LogPublishFailed(Exception ex, string outbox);
}
