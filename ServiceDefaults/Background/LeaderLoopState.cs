namespace CommunityAI.ServiceDefaults.Background;

/// <summary>Where a <see cref="LeaderLoop{TJob}"/> stands, as its health check reports it.</summary>
public enum LeaderLoopState
{
    /// <summary>Not yet tried to lead.</summary>
    Starting,

    /// <summary>Its job is not ready to lead yet (<see cref="ILeaderJob.PrepareAsync"/> said so).</summary>
    Waiting,

    /// <summary>Another instance holds the lock; this one tries again every follower delay.</summary>
    Following,

    /// <summary>This instance holds the lock and its job's steps succeed.</summary>
    Leading,

    /// <summary>The last attempt failed; the loop backs off and tries again.</summary>
    Failing,
}
