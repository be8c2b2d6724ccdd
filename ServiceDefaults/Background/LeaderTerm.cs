namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// One stretch of leadership, handed to <see cref="ILeaderJob.LeadAsync"/>. Each call between steps says the steps so
/// far succeeded (ending a failure streak) and, at most every <see cref="LeaderLoopSettings.LeaseCheckInterval"/>,
/// checks the lock's connection: false means the lock is gone and the job must return.
/// </summary>
public sealed class LeaderTerm
{
    private readonly LeaderLock _lease;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _leaseCheckInterval;
    private readonly Action<bool> _progress;
    private long _checkedAt;

    internal LeaderTerm(LeaderLock lease, TimeProvider clock, TimeSpan leaseCheckInterval, Action<bool> progress)
    {
        _lease = lease;
        _clock = clock;
        _leaseCheckInterval = leaseCheckInterval;
        _progress = progress;
        _checkedAt = clock.GetTimestamp();
    }

    /// <summary>Records progress and answers whether this instance still leads.</summary>
    public async ValueTask<bool> ContinueAsync(CancellationToken ct)
    {
        _progress(false);
        if (_clock.GetElapsedTime(_checkedAt) < _leaseCheckInterval)
            return true;
        _checkedAt = _clock.GetTimestamp();
        return await _lease.IsHeldAsync(ct);
    }

    /// <summary>Waits <paramref name="delay"/> on the loop's clock, then as <see cref="ContinueAsync"/>.</summary>
    public async Task<bool> WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        if (delay > TimeSpan.Zero)
        {
            // A planned wait is no step: however long, it is not what the health check calls stalled.
            _progress(true);
            await Task.Delay(delay, _clock, ct);
        }
        return await ContinueAsync(ct);
    }
}
