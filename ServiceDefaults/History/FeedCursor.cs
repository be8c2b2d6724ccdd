using CommunityAI.ServiceDefaults.Background;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// Where a reader of the history stands: every sequence at or below <see cref="Checkpoint"/> has been
/// handed out (or is known never to commit). <see cref="Hole"/> is set while a gap in the sequence is
/// waiting for the transactions that might still fill it.
/// </summary>
public sealed record FeedCursor(long Checkpoint, PendingHole? Hole = null)
{
    public static FeedCursor Start => new(0);
}

/// <summary>
/// A gap seen below <paramref name="UpTo"/>. Its owner, if it ever commits, is a transaction that started
/// no later than <paramref name="ObservedAt"/> (server clock), so once every such transaction has ended,
/// whatever is visible up to <paramref name="UpTo"/> is final and the rest of the gap is dead.
/// </summary>
public sealed record PendingHole(long UpTo, DateTime ObservedAt);

/// <summary>The events a read handed out, in sequence order, and the cursor to continue from.</summary>
public sealed record FeedBatch(IReadOnlyList<StoredEvent> Events, FeedCursor Next)
{
    /// <summary>
    /// How far a reader's checkpoint may run past the one it stored over events it does nothing with: a batch of those is
    /// not worth a commit of its own (at 10/s governance's outbox, which publishes nothing then, stored one 14 times a
    /// second, and the ledger's followers of rare events one each five times a second), and a restart re-reads at most
    /// this many rows.
    /// </summary>
    public const long UnstoredLimit = 10_000;

    /// <summary>
    /// Whether a reader whose stored checkpoint is <paramref name="stored"/> acts on this batch (and so may store its
    /// checkpoint): it holds an event the reader wants (<paramref name="wanted"/>, the reader's own test over
    /// <see cref="Events"/>, made once per read), or its end ran <see cref="UnstoredLimit"/> events past the stored
    /// checkpoint.
    /// </summary>
    public bool WorthActingOn(long stored, bool wanted) => wanted || Next.Checkpoint - stored >= UnstoredLimit;

    /// <summary>
    /// How long a loop that asked for up to <paramref name="max"/> events and got this batch waits before it reads again:
    /// not at all after a full batch (more are waiting) or after events that stopped at a gap (its transactions mostly end
    /// at once); the first idle step after fewer events than asked for, one of which the reader wanted
    /// (<paramref name="wanted"/>; none were left), or while only a gap is pending; and a growing step when nothing
    /// happened that the reader acts on.
    /// Events it passes over count as nothing: under load every read finds some (other services' streams, events a follower
    /// of a rare one does not act on), and at the first step governance's outbox, which publishes nothing then, read 20
    /// times a second, each follower of a rare event 5 times; their own commits and the longest step bound how late they act.
    /// </summary>
    public TimeSpan WaitBeforeNextRead(IdleWait idle, int max, bool wanted) =>
        Next.Hole is null ? idle.AfterLook(Events.Count < max && !wanted ? 0 : Events.Count, max)
        : Events.Count > 0 ? TimeSpan.Zero
        : idle.AfterWork();
}
