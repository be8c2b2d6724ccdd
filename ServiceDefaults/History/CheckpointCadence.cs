using System.Diagnostics;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// When a loop whose work is safe to do twice stores how far it has got: at once after a quiet spell, then at most once
/// every <see cref="Every"/> while it keeps moving. Each store is a commit of its own (at 10/s quality-scoring's outbox
/// stored 26 a second, the log's notice publisher 10, contributions' scoring hand-off 10), and a restart does again at
/// most that much of what was done before it, as a crash between the work and its store always could: consumers take it
/// as a re-publish. The outboxes, the log's notice publisher and the hand-off use it, and so does a history follower
/// that stores its checkpoint past events it passes over (<see cref="HistoryFollower.StoreAtLeastEvery"/>).
/// </summary>
public sealed class CheckpointCadence(TimeSpan every)
{
    private long? _storedAt;

    /// <summary>The least time between two stores while the publisher keeps moving.</summary>
    public TimeSpan Every { get; } = every;

    /// <summary>Whether a checkpoint that moved should be stored now.</summary>
    public bool Due => _storedAt is null || Stopwatch.GetElapsedTime(_storedAt.Value) >= Every;

    /// <summary>Says the checkpoint was just stored.</summary>
    public void Stored() => _storedAt = Stopwatch.GetTimestamp();
}
