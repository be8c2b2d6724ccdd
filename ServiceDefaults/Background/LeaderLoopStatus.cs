namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// A loop's current state, written by the loop and read by its health check (and by anyone who reports on the job,
/// such as chain-bridge's readiness), so a failure streak is counted and logged in one place.
/// </summary>
public sealed class LeaderLoopStatus
{
    private readonly Lock _lock = new();
    private LeaderLoopSnapshot _current = new(LeaderLoopState.Starting, DateTimeOffset.MinValue, 0, null);

    public LeaderLoopSnapshot Current
    {
        get
        {
            lock (_lock)
                return _current;
        }
    }

    /// <summary>Counts a failure; returns the streak's length (1 for the first).</summary>
    public int RecordFailure(DateTimeOffset now, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (_lock)
        {
            _current = _current.State == LeaderLoopState.Failing
                ? _current with { Failures = _current.Failures + 1, LastError = error.Message }
                : new LeaderLoopSnapshot(LeaderLoopState.Failing, now, 1, error.Message);
            return _current.Failures;
        }
    }

    /// <summary>Moves to <paramref name="state"/>; returns the failure streak this ends, or null when there was none.</summary>
    public LeaderLoopSnapshot? Record(LeaderLoopState state, DateTimeOffset now)
    {
        if (state == LeaderLoopState.Failing)
            throw new ArgumentOutOfRangeException(nameof(state), state, "failures are recorded with RecordFailure");
        lock (_lock)
        {
            var previous = _current;
            if (previous.State != state)
                _current = new LeaderLoopSnapshot(state, now, 0, null, now);
            return previous.State == LeaderLoopState.Failing ? previous : null;
        }
    }

    /// <summary>
    /// A leading job finished a step (<paramref name="resting"/>: and begins a planned wait), so a step that never ends
    /// shows (<see cref="LeaderLoopHealthCheck"/>). Returns the failure streak this ends, as <see cref="Record"/> does.
    /// </summary>
    public LeaderLoopSnapshot? RecordStep(DateTimeOffset now, bool resting)
    {
        lock (_lock)
        {
            var previous = _current;
            _current = previous.State == LeaderLoopState.Leading
                ? previous with { LastStep = now, Resting = resting }
                : new LeaderLoopSnapshot(LeaderLoopState.Leading, now, 0, null, now, resting);
            return previous.State == LeaderLoopState.Failing ? previous : null;
        }
    }
}
