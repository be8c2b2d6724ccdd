using CommunityAI.ServiceDefaults.Background;
using Npgsql;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// The one loop that acts on the history as it grows: reads the streams under one prefix (or every stream) through the
/// gap-safe <see cref="HistoryFeed"/> from a stored checkpoint, on one replica at a time (a leader loop), and hands each
/// batch that moves the checkpoint to <see cref="ApplyAsync"/>. Only stored events are acted on; a bus message reaches
/// nothing here. A subclass says which streams, where its checkpoint lives, and what a batch does.
/// </summary>
/// <param name="streamPrefix">The streams to read (their events' data; others come without it), or null for every stream.</param>
public abstract class HistoryFollower(NpgsqlDataSource dataSource, string? streamPrefix) : ILeaderJob
{
    public abstract LeaderLoopSettings Settings { get; }

    /// <summary>Events read per batch.</summary>
    protected virtual int BatchSize => 500;

    /// <summary>The pause when nothing new was read, or when a batch asked to be read again.</summary>
    protected virtual TimeSpan IdleDelay => TimeSpan.FromMilliseconds(200);

    /// <summary>The sequence every event up to which has been applied (0 before the first).</summary>
    protected abstract Task<long> LoadCheckpointAsync(CancellationToken ct);

    /// <summary>
    /// Applies a batch's events (possibly none of interest) and records <paramref name="checkpoint"/> as applied, in the
    /// same transaction when it can, never before what it covers committed; a crash in between re-reads the batch, so
    /// applying must be idempotent, and a replica that lost its lease mid-batch must not move the checkpoint back.
    /// Returns false, recording nothing, to read the same batch again after <see cref="IdleDelay"/> (something the batch
    /// depends on is not there yet). It may return while the batch still commits, so the next one is read meanwhile;
    /// <see cref="SettleAsync"/> then waits for it.
    /// </summary>
    protected abstract Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct);

    /// <summary>
    /// Waits for what <see cref="ApplyAsync"/> left committing, and throws if it failed: before each idle wait (a failure
    /// surfaces without the next batch) and when the term ends, failed or not (the next leader reads a settled checkpoint).
    /// </summary>
    protected virtual Task SettleAsync() => Task.CompletedTask;

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        try
        {
            await FollowAsync(term, ct);
        }
        catch
        {
            await SettleAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        await SettleAsync();
    }

    private async Task FollowAsync(LeaderTerm term, CancellationToken ct)
    {
        var feed = new HistoryFeed(dataSource, streamPrefix);
        var cursor = new FeedCursor(await LoadCheckpointAsync(ct));
        while (!ct.IsCancellationRequested)
        {
            var batch = await feed.ReadAsync(cursor, BatchSize, ct);
            if (batch.Next.Checkpoint > cursor.Checkpoint && !await ApplyAsync(batch.Events, batch.Next.Checkpoint, ct))
            {
                await SettleAsync();
                if (!await term.WaitAsync(IdleDelay, ct))
                    return;
                continue;
            }
            cursor = batch.Next;
            if (batch.Events.Count == 0)
                await SettleAsync();
            if (!await term.WaitAsync(batch.Events.Count == 0 ? IdleDelay : TimeSpan.Zero, ct))
                return;
        }
    }
}
