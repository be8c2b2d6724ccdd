using CommunityAI.ServiceDefaults.Background;
using Npgsql;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// The one loop that acts on the history as it grows: reads the streams under one prefix (or every stream) through the
/// gap-safe <see cref="HistoryFeed"/> from a stored checkpoint, on one replica at a time (a leader loop), and hands each
/// batch that moves the checkpoint and holds an event it <see cref="Wants"/> to <see cref="ApplyAsync"/>. Only stored events
/// are acted on; a bus message reaches nothing here. A subclass says which streams and events, where its checkpoint lives,
/// and what a batch does.
/// </summary>
/// <param name="streamPrefix">The streams to read (their events' data; others come without it), or null for every stream.</param>
/// <param name="ownCommits">
/// Given by a follower of the streams most of its own service's commits append to: the follower then reads at once after
/// this process committed events, not at its next poll. Any other follower leaves it out: every commit of its service
/// would wake it to read events it has no use for and store its checkpoint again (quality-scoring's removal follower,
/// woken by every review, did that at each one, and its service's sessions cost more at 10/s than before).
/// </param>
public abstract class HistoryFollower(NpgsqlDataSource dataSource, string? streamPrefix, HistoryPulse? ownCommits = null) : ILeaderJob
{
    public abstract LeaderLoopSettings Settings { get; }

    /// <summary>Events read per batch.</summary>
    protected virtual int BatchSize => 500;

    /// <summary>The pause when a batch asked to be read again, and the first when nothing was left to read.</summary>
    protected virtual TimeSpan IdleDelay => TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause: each read that finds nothing it <see cref="Wants"/> doubles the last, from <see cref="IdleDelay"/> up to this.</summary>
    protected virtual TimeSpan LongestIdleDelay => TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether the follower acts on <paramref name="e"/>; every event unless a follower says otherwise. A batch with
    /// none it acts on is not handed to <see cref="ApplyAsync"/>, so it stores no checkpoint, until the batches passed
    /// over reach <see cref="FeedBatch.UnstoredLimit"/> events: a follower of a rare event otherwise stored its
    /// checkpoint after every batch, each a commit of its own. Its stored checkpoint then lags the history while
    /// nothing it acts on comes, so a follower whose checkpoint anything else reads as how far the history has been
    /// acted on bounds the lag in time (<see cref="StoreAtLeastEvery"/>: the ledger's score follower, whose credits
    /// appeals and invalidations wait for by it, and its invalidation follower, past whose checkpoint crediters read
    /// the history).
    /// </summary>
    protected virtual bool Wants(StoredEvent e) => true;

    /// <summary>
    /// When set, the checkpoint is stored at least this often while the history moves, even past events the follower
    /// does not act on: a read that finds it this long since the last store hands <see cref="ApplyAsync"/> what it read
    /// (possibly nothing) to store it. For a follower whose checkpoint others read as a boundary, so that what lies
    /// past it stays short (the ledger's score and invalidation followers), without a commit per read.
    /// </summary>
    protected virtual TimeSpan? StoreAtLeastEvery => null;

    /// <summary>
    /// Whether <paramref name="e"/> came with its data, is of <paramref name="eventType"/> and, when given, on a stream
    /// under <paramref name="under"/>: what most <see cref="Wants"/> ask.
    /// </summary>
    protected static bool Is(StoredEvent e, string eventType, string? under = null) =>
        e.Data is not null && e.EventType == eventType && (under is null || e.StreamKey.StartsWith(under, StringComparison.Ordinal));

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
    /// surfaces without the next batch) and when the term ends (<paramref name="termEnds"/>), failed or not (the next
    /// leader reads a settled checkpoint).
    /// </summary>
    protected virtual Task SettleAsync(bool termEnds) => Task.CompletedTask;

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        try
        {
            await FollowAsync(term, ct);
        }
        catch
        {
            await SettleAsync(termEnds: true).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        await SettleAsync(termEnds: true);
    }

    private async Task FollowAsync(LeaderTerm term, CancellationToken ct)
    {
        var feed = new HistoryFeed(dataSource, streamPrefix);
        var checkpoint = new CheckpointCadence(await LoadCheckpointAsync(ct), StoreAtLeastEvery);
        var cursor = new FeedCursor(checkpoint.Stored);
        var idle = new IdleWait(IdleDelay, LongestIdleDelay);
        while (!ct.IsCancellationRequested)
        {
            var committed = ownCommits?.Next;
            var batch = await feed.ReadAsync(cursor, BatchSize, ct);
            var wanted = batch.Events.Any(Wants);
            var acts = batch.Next.Checkpoint > cursor.Checkpoint && batch.WorthActingOn(checkpoint.Stored, wanted);
            // Events passed over (in this batch or before it) move the checkpoint in memory; it is stored when due.
            checkpoint.Reached(batch.Next.Checkpoint);
            if (acts || checkpoint.Due)
            {
                if (!await ApplyAsync(batch.Events, batch.Next.Checkpoint, ct))
                {
                    await SettleAsync(termEnds: false);
                    if (!await term.WaitAsync(IdleDelay, ct))
                        return;
                    continue;
                }
                checkpoint.Saved(batch.Next.Checkpoint);
            }
            cursor = batch.Next;
            var wait = batch.WaitBeforeNextRead(idle, BatchSize, wanted);
            if (wait > TimeSpan.Zero)
                await SettleAsync(termEnds: false);
            if (!await term.WaitOrWakeAsync(wait, committed, ct))
                return;
        }
    }
}
