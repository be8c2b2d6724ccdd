using System.Diagnostics;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// How far a loop whose work is safe to do twice has got (<see cref="Done"/>) and how far it has stored that
/// (<see cref="Stored"/>), and when the one is stored as the other: at once after a quiet spell, then at most once
/// every <see cref="Every"/> while it keeps moving. Each store is a commit of its own (at 10/s quality-scoring's outbox
/// stored 26 a second, the log's notice publisher 10, contributions' scoring hand-off 10), and a restart does again at
/// most that much of what was done before it, as a crash between the work and its store always could: consumers take
/// it as a re-publish. The outboxes, the log's notice publisher, the hand-off and a history follower that stores its
/// checkpoint past events it passes over (<see cref="HistoryFollower.StoreAtLeastEvery"/>) keep their checkpoints with
/// it.
/// </summary>
/// <param name="stored">The checkpoint loaded when the loop's term began.</param>
/// <param name="every">The least time between two stores while the loop keeps moving; null for a loop that stores only
/// with its work (then nothing is ever <see cref="Due"/>).</param>
public sealed class CheckpointCadence(long stored, TimeSpan? every)
{
    private long? _storedAt;

    /// <summary>The least time between two stores while the loop keeps moving.</summary>
    public TimeSpan? Every { get; } = every;

    /// <summary>How far the work is done; past <see cref="Stored"/> until it is stored.</summary>
    public long Done { get; private set; } = stored;

    /// <summary>The checkpoint stored last (or loaded).</summary>
    public long Stored { get; private set; } = stored;

    /// <summary>Whether the work moved past what is stored.</summary>
    public bool Pending => Done != Stored;

    /// <summary>Whether the work moved past what is stored and it is time to store it.</summary>
    public bool Due => Pending && Every is { } period && (_storedAt is null || Stopwatch.GetElapsedTime(_storedAt.Value) >= period);

    /// <summary>Says the work is done up to <paramref name="done"/>, not stored yet.</summary>
    public void Reached(long done) => Done = done;

    /// <summary>Says the work up to <paramref name="checkpoint"/> is done and stored (with it or after).</summary>
    public void Saved(long checkpoint)
    {
        Done = Stored = checkpoint;
        _storedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Stores <see cref="Done"/> with <paramref name="store"/> when it is <see cref="Due"/>, or at once when
    /// <paramref name="now"/> and it moved (the end of a term).
    /// </summary>
    public async Task StoreWhenDueAsync(Func<long, CancellationToken, Task> store, CancellationToken ct, bool now = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!(now ? Pending : Due))
            return;
        var done = Done;
        await store(done, ct);
        Saved(done);
    }
}
