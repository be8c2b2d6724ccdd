using CommunityAI.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// The one leader-elected loop: every replica runs it, one holds the job's <see cref="LeaderLock"/> and runs
/// <see cref="ILeaderJob.LeadAsync"/>, the others try again every <see cref="LeaderLoopSettings.FollowerDelay"/>. A
/// throwing step lets the lock go and backs off exponentially (<see cref="RetryBackoff"/>) up to a cap; the first
/// failure of a streak is a warning, its end an information, the rest debug. Every wait is on the injected
/// <see cref="TimeProvider"/>. <see cref="Status"/> feeds the loop's health check.
/// </summary>
/// <remarks>
/// A leader whose lock connection dies learns it at its next lease check; a follower may start before that, so for up
/// to one lease-check interval two instances can run the job. Every job is idempotent against the store (checkpoints,
/// unique keys, transaction locks), which is what makes that overlap harmless.
/// </remarks>
public sealed partial class LeaderLoop<TJob>(TJob job, NpgsqlDataSource dataSource, TimeProvider clock, ILoggerFactory loggers)
    : BackgroundService where TJob : ILeaderJob
{
    // Logged under the job's own category, so its lines read as the job's.
    private readonly ILogger _logger = loggers.CreateLogger(typeof(TJob).FullName ?? typeof(TJob).Name);
    private string _name = typeof(TJob).Name;

    public LeaderLoopStatus Status { get; } = new();

    public TJob Job => job;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = job.Settings;
        _name = settings.LockName;
        LeaderLoopGauge.Track(_name, Status, clock);
        try
        {
            await RunAsync(settings, stoppingToken);
        }
        finally
        {
            LeaderLoopGauge.Forget(Status);
        }
    }

    private async Task RunAsync(LeaderLoopSettings settings, CancellationToken stoppingToken)
    {
        var backoff = new RetryBackoff(settings.RetryInitialDelay, settings.RetryMaxDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await AttemptAsync(settings, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Nothing half-done survives a failure: jobs commit each step whole, and the next term starts from
                // what committed.
                var failures = Status.RecordFailure(clock.GetUtcNow(), ex);
                CommunityMetrics.LeaderFailures.Add(1, new KeyValuePair<string, object?>("loop", settings.LockName));
                wait = backoff.DelayAfter(failures, Random.Shared.NextDouble());
                if (failures == 1)
                    LogPaused(_logger, ex, settings.LockName, wait);
                else
                    LogStillFailing(_logger, settings.LockName, failures, wait, ex.Message);
            }

            try
            {
                await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One attempt to lead; returns how long to wait before the next.</summary>
    private async Task<TimeSpan> AttemptAsync(LeaderLoopSettings settings, CancellationToken ct)
    {
        if (!await job.PrepareAsync(ct))
        {
            Enter(LeaderLoopState.Waiting);
            return settings.ReadyCheckInterval;
        }
        await using var lease = await LeaderLock.TryAcquireAsync(dataSource, settings.LockName, ct);
        if (lease is null)
        {
            // Another instance leads; that is no failure of ours.
            Enter(LeaderLoopState.Following);
            return settings.FollowerDelay;
        }

        LogLeading(_logger, settings.LockName);
        var term = new LeaderTerm(lease, clock, settings.LeaseCheckInterval, Step);
        await job.LeadAsync(term, ct);
        if (!ct.IsCancellationRequested)
            LogLostLock(_logger, settings.LockName);
        Enter(LeaderLoopState.Following);
        return settings.FollowerDelay;
    }

    private void Step(bool resting)
    {
        var now = clock.GetUtcNow();
        if (Status.RecordStep(now, resting) is { } ended)
            LogResumed(_logger, _name, ended.Failures, now - ended.Since);
    }

    private void Enter(LeaderLoopState state)
    {
        var now = clock.GetUtcNow();
        if (Status.Record(state, now) is { } ended)
            LogResumed(_logger, _name, ended.Failures, now - ended.Since);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Loop} is leading on this instance")]
    private static partial void LogLeading(ILogger logger, string loop);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Loop} lost its lock; following until it can take it again")]
    private static partial void LogLostLock(ILogger logger, string loop);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Loop} paused after a failure; retrying in {Delay}, from what committed")]
    private static partial void LogPaused(ILogger logger, Exception ex, string loop, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Loop} still paused after {Failures} attempts; retrying in {Delay}: {Error}")]
    private static partial void LogStillFailing(ILogger logger, string loop, int failures, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Loop} resumed after {Failures} failed attempts ({Duration})")]
    private static partial void LogResumed(ILogger logger, string loop, int failures, TimeSpan duration);
}
