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
    public Task<bool> WaitAsync(TimeSpan delay, CancellationToken ct) => WaitOrWakeAsync(delay, wake: null, ct);

    /// <summary>
    /// Waits <paramref name="delay"/> on the loop's clock or until <paramref name="wake"/> completes (a
    /// <see cref="Pulse.Next"/> taken before the loop looked), whichever comes first, then as <see cref="ContinueAsync"/>.
    /// </summary>
    public async Task<bool> WaitOrWakeAsync(TimeSpan delay, Task? wake, CancellationToken ct)
    {
        if (delay > TimeSpan.Zero && wake is not { IsCompleted: true })
        {
            // A planned wait is no step: however long, it is not what the health check calls stalled.
            _progress(true);
            if (wake is null)
                await Task.Delay(delay, _clock, ct);
            else
                await DelayOrWakeAsync(delay, wake, ct);
        }
        return await ContinueAsync(ct);
    }

    private async Task DelayOrWakeAsync(TimeSpan delay, Task wake, CancellationToken ct)
    {
        using var timerEnds = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timer = Task.Delay(delay, _clock, timerEnds.Token);
        if (await Task.WhenAny(timer, wake) == timer)
            await timer; // throws if the loop was stopped
        else
            timerEnds.Cancel(); // woken: the timer is not left running
    }
}
