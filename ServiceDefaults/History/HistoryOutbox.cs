using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Messaging;
using CommunityAI.ServiceDefaults.Telemetry;
using Marten;
using MassTransit;
using Npgsql;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// The store is the outbox: publishes a service's own history events to RabbitMQ in sequence order,
/// at least once, with message id = event id, and only after they committed. The checkpoint moves
/// after the broker confirmed, so a crash in between re-publishes and idempotent consumers absorb it.
/// </summary>
/// <remarks>
/// The checkpoint is stored at most once every <see cref="OutboxRoutes.StoreCheckpointEvery"/> (a second) while events
/// keep coming (<see cref="CheckpointCadence"/>); a pending one at the first read a second after the last store.
/// </remarks>
public sealed class HistoryOutbox(
    OutboxRoutes routes,
    NpgsqlDataSource dataSource,
    IDocumentStore store,
    ConfirmedPublisher publisher,
    HistoryPulse pulse) : ILeaderJob
{
    private const int BatchSize = 500;

    /// <summary>
    /// Its own commits wake the outbox (<see cref="HistoryPulse"/>), so the poll is for events another replica of the
    /// service appended: 50 ms while its own streams move, growing to a second while they do not.
    /// </summary>
    private static readonly TimeSpan FirstIdleWait = TimeSpan.FromMilliseconds(50), LongestIdleWait = TimeSpan.FromSeconds(1);

    public LeaderLoopSettings Settings { get; } = new("outbox:" + routes.Name);

    /// <summary>Other services' streams are read without their data: a batch of those alone publishes nothing.</summary>
    private static readonly Func<StoredEvent, bool> Publishes = e => e.Data is not null;

    /// <summary>Publishes from the checkpoint on; after a failure (database or broker away) the checkpoint did not move, so the next term resumes where this one was.</summary>
    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        var feed = new HistoryFeed(dataSource, routes.StreamPrefix);
        var checkpoint = new CheckpointCadence(await LoadCheckpointAsync(ct), routes.StoreCheckpointEvery);
        var cursor = new FeedCursor(checkpoint.Stored);
        var idle = new IdleWait(FirstIdleWait, LongestIdleWait);
        while (!ct.IsCancellationRequested)
        {
            var committed = pulse.Next;
            var batch = await feed.ReadAsync(cursor, BatchSize, ct);
            var wanted = batch.Events.Any(Publishes);
            if (batch.WorthActingOn(checkpoint.Stored, wanted))
            {
                await PublishInStreamOrderAsync(batch.Events, ct);
                checkpoint.Reached(batch.Next.Checkpoint);
            }
            await checkpoint.StoreWhenDueAsync(SaveCheckpointAsync, ct);
            cursor = batch.Next;
            if (!await term.WaitOrWakeAsync(batch.WaitBeforeNextRead(idle, BatchSize, wanted), committed, ct))
                return;
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
                await publisher.PublishAsync(message, type, context =>
                {
                    context.MessageId = stored.Id;
                    context.Headers.Set("communityai-sequence", stored.Sequence);
                    HistoryTraceContext.Continue(stored, context);
                }, ct);
                Observe(stored, type);
            }
        }));
    }

    private void Observe(StoredEvent stored, Type type)
    {
        var outbox = new KeyValuePair<string, object?>("outbox", routes.Name);
        CommunityMetrics.OutboxPublished.Add(1, outbox, new KeyValuePair<string, object?>("type", type.Name));
        // The commit time is the database's clock; a skew between hosts shifts this figure, never the history.
        CommunityMetrics.OutboxDelay.Record((DateTimeOffset.UtcNow - stored.Timestamp).TotalMilliseconds, outbox);
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
}
