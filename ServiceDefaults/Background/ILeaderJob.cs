namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// Work that one replica at a time must do (an outbox, the log writer, anchoring, closing epochs or review windows),
/// run by <see cref="LeaderLoop{TJob}"/>: the job holds only its domain steps; leadership, waiting, backoff, failure
/// logging and the health signal are the loop's.
/// </summary>
public interface ILeaderJob
{
    /// <summary>The lock's name and the loop's timings.</summary>
    LeaderLoopSettings Settings { get; }

    /// <summary>
    /// Runs on every instance, leader or not, before each attempt to lead (a schema to ensure, contracts to find).
    /// False means "not ready yet": the loop looks again after <see cref="LeaderLoopSettings.ReadyCheckInterval"/>.
    /// Throwing counts as a failure and backs off.
    /// </summary>
    Task<bool> PrepareAsync(CancellationToken ct) => Task.FromResult(true);

    /// <summary>
    /// Does the work while this instance leads. Between steps it calls <see cref="LeaderTerm.WaitAsync"/> or
    /// <see cref="LeaderTerm.ContinueAsync"/> and returns when they answer false (the lock is gone). Throwing ends the
    /// term: the loop lets the lock go, backs off and tries again, so per-term state is rebuilt from what committed.
    /// </summary>
    Task LeadAsync(LeaderTerm term, CancellationToken ct);
}
