namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// Whether anchoring currently fails, shared between the scheduler (which writes it) and the health check (which
/// reports it), so an outage is logged once and readiness says "degraded" rather than polling the node itself.
/// </summary>
public sealed class AnchoringStatus
{
    private readonly Lock _lock = new();
    private AnchoringOutage? _outage;

    /// <summary>The outage under way, or null while anchoring works.</summary>
    public AnchoringOutage? Outage
    {
        get
        {
            lock (_lock)
                return _outage;
        }
    }

    /// <summary>Counts a failure; returns the outage it belongs to (<see cref="AnchoringOutage.Failures"/> is 1 for a new one).</summary>
    public AnchoringOutage RecordFailure(DateTimeOffset now, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (_lock)
        {
            _outage = _outage is { } current
                ? current with { Failures = current.Failures + 1, LastError = error.Message }
                : new AnchoringOutage(now, 1, error.Message);
            return _outage;
        }
    }

    /// <summary>Marks anchoring as working; returns the outage this ends, or null when there was none.</summary>
    public AnchoringOutage? RecordSuccess()
    {
        lock (_lock)
        {
            var ended = _outage;
            _outage = null;
            return ended;
        }
    }
}
