namespace CommunityAI.ServiceDefaults.Background;

/// <summary>How a <see cref="LeaderLoop{TJob}"/> elects its leader and paces itself.</summary>
/// <param name="LockName">The session advisory lock that makes one instance the leader (see <see cref="AdvisoryLock"/>).</param>
public sealed record LeaderLoopSettings(string LockName)
{
    /// <summary>
    /// How often a follower tries the lock. A leader whose connection died is replaced within about this long, so it
    /// is the takeover bound.
    /// </summary>
    public TimeSpan FollowerDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often a leader checks, between steps, that its lock connection still answers. Kept below
    /// <see cref="FollowerDelay"/> so a leader that lost its lock usually stops before a follower starts.
    /// </summary>
    public TimeSpan LeaseCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often to look again when <see cref="ILeaderJob.PrepareAsync"/> said "not ready".</summary>
    public TimeSpan ReadyCheckInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The wait after the first failure; it doubles with each further one up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryInitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between attempts, so a loop comes back soon after its dependency does.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one step may run before the loop's health check says it may be hung (degraded): a dependency that
    /// never answers, such as a publish whose confirm was lost, would otherwise leave a "leading" loop doing nothing.
    /// Planned waits between steps do not count.
    /// </summary>
    public TimeSpan StallAfter { get; init; } = TimeSpan.FromMinutes(5);
}
