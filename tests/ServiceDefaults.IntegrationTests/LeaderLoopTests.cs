using System.Diagnostics;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// The one leader loop every background job runs in, against the real PostgreSQL: one instance leads, the others
/// follow; when the leader's lock connection dies another takes over within a bound; a throwing step backs off
/// exponentially and recovers; the health check says which.
/// </summary>
public sealed class LeaderLoopTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly List<IAsyncDisposable> _disposables = [];
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("leaderloop");
        await using var dataSource = NpgsqlDataSource.Create(_database);
        await using var command = dataSource.CreateCommand(ProbeJob.TableSql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
            await disposable.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task When_the_leaders_lock_connection_dies_the_follower_takes_over_within_the_follower_delay()
    {
        var settings = new LeaderLoopSettings("probe:takeover");
        var (a, jobA) = await StartAsync("a", settings, TimeProvider.System);
        var (b, jobB) = await StartAsync("b", settings, TimeProvider.System);

        await Eventually.MatchesAsync(() => Task.FromResult(States(a, b)), s => s.Count(x => x == LeaderLoopState.Leading) == 1
            && s.Count(x => x == LeaderLoopState.Following) == 1, "one leader and one follower", Patience);
        var (leader, follower) = a.Status.Current.State == LeaderLoopState.Leading ? (a, b) : (b, a);
        var leaderName = leader == a ? "a" : "b";
        var followerName = leader == a ? "b" : "a";
        Assert.Equal(0, await StepsSinceAsync(followerName, DateTime.MinValue));
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(follower)).Status);
        Assert.Contains("following", (await HealthAsync(follower)).Description);

        var killed = await KillLockHolderAsync(AdvisoryLock.KeyOf(settings.LockName));
        var clock = Stopwatch.StartNew();
        await Eventually.MatchesAsync(() => Task.FromResult(follower.Status.Current.State), s => s == LeaderLoopState.Leading,
            "the follower to take over", Patience);
        var takeover = clock.Elapsed;
        await Eventually.MatchesAsync(() => Task.FromResult(leader.Status.Current.State), s => s != LeaderLoopState.Leading,
            "the old leader to stop leading", Patience);
        var stepDown = clock.Elapsed;
        output.WriteLine($"killed backend {killed}; the follower led after {takeover.TotalMilliseconds:F0} ms, "
            + $"the old leader had stopped after {stepDown.TotalMilliseconds:F0} ms (follower delay {settings.FollowerDelay}, lease check {settings.LeaseCheckInterval})");

        // The bound: a follower tries the lock every follower delay; allow one lock round trip and a loaded machine.
        Assert.True(takeover < settings.FollowerDelay + TimeSpan.FromSeconds(1.5), $"takeover took {takeover}");
        // The old leader finds out at its next lease check.
        Assert.True(stepDown < settings.LeaseCheckInterval + settings.FollowerDelay + TimeSpan.FromSeconds(1.5), $"step-down took {stepDown}");

        // The new leader works; the old one does not any more, and stays a follower.
        var since = await NowAsync();
        await Eventually.MatchesAsync(() => StepsSinceAsync(followerName, since), n => n >= 3, "the new leader's steps", Patience);
        var quiet = await NowAsync();
        await Task.Delay(settings.FollowerDelay * 2);
        Assert.Equal(0, await StepsSinceAsync(leaderName, quiet));
        Assert.Equal(LeaderLoopState.Following, leader.Status.Current.State);
        Assert.Equal(1, (leader == a ? jobA : jobB).Terms);
    }

    [Fact]
    public async Task A_throwing_step_backs_off_exponentially_on_the_clock_and_the_loop_recovers()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var settings = new LeaderLoopSettings("probe:backoff")
        {
            RetryInitialDelay = TimeSpan.FromSeconds(1),
            RetryMaxDelay = TimeSpan.FromSeconds(4),
        };
        var (loop, job) = await StartAsync("solo", settings, clock, failures: 4);

        // Failure n waits a random point in the upper half of min(1 s * 2^(n-1), 4 s): 1, 2, 4, then the cap 4.
        TimeSpan[] steps = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4)];
        for (var n = 1; n <= steps.Length; n++)
        {
            var failures = n;
            await Eventually.MatchesAsync(() => Task.FromResult(loop.Status.Current), s => s.State == LeaderLoopState.Failing && s.Failures == failures,
                $"failure {n}", Patience);
            var health = await HealthAsync(loop);
            Assert.Equal(HealthStatus.Degraded, health.Status);
            Assert.Contains("the probe's dependency is away", health.Description);

            // Let the loop enter its wait, or advancing the clock would not reach it.
            await Task.Delay(200);
            // Before the lower half has passed, no new attempt.
            clock.Advance(steps[n - 1] / 2 - TimeSpan.FromMilliseconds(10));
            await Task.Delay(300);
            Assert.Equal(n, job.Terms);
            // By the full step, one.
            clock.Advance(steps[n - 1] / 2 + TimeSpan.FromMilliseconds(10));
            await Eventually.MatchesAsync(() => Task.FromResult(job.Terms), t => t == n + 1, $"attempt {n + 1}", Patience);
        }

        // The fifth attempt succeeds: the streak ends, the health check says leading, steps are written.
        await Eventually.MatchesAsync(() => Task.FromResult(loop.Status.Current), s => s.State == LeaderLoopState.Leading && s.Failures == 0,
            "the loop leading again", Patience);
        var recovered = await HealthAsync(loop);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
        Assert.Contains("leading", recovered.Description);
        Assert.True(await StepsSinceAsync("solo", DateTime.MinValue) >= 1);

        // A new streak starts again from the initial delay.
        job.FailuresLeft = 1;
        await KillLockHolderAsync(AdvisoryLock.KeyOf(settings.LockName));
        await Task.Delay(200);
        clock.Advance(settings.LeaseCheckInterval + job.StepDelay);
        // The term ends at its lease check; the loop follows for a follower delay, then a fresh term throws once.
        await Eventually.MatchesAsync(() => Task.FromResult(loop.Status.Current.State), s => s == LeaderLoopState.Following, "the lost lock noticed", Patience);
        await Task.Delay(200);
        clock.Advance(settings.FollowerDelay);
        await Eventually.MatchesAsync(() => Task.FromResult(loop.Status.Current), s => s is { State: LeaderLoopState.Failing, Failures: 1 },
            "a new streak's first failure", Patience);
        await Task.Delay(200);
        clock.Advance(settings.RetryInitialDelay);
        await Eventually.MatchesAsync(() => Task.FromResult(loop.Status.Current.State), s => s == LeaderLoopState.Leading, "leading again", Patience);
    }

    [Fact]
    public async Task Stopping_the_leader_releases_the_lock_at_once_so_another_instance_can_lead()
    {
        var settings = new LeaderLoopSettings("probe:stop");
        var (loop, _) = await StartAsync("stopping", settings, TimeProvider.System);
        await Eventually.MatchesAsync(() => Task.FromResult(loop.Status.Current.State), s => s == LeaderLoopState.Leading, "leading", Patience);
        await using var other = NpgsqlDataSource.Create(_database);
        await using (var refused = await LeaderLock.TryAcquireAsync(other, settings.LockName, CancellationToken.None))
            Assert.Null(refused);

        var stopping = Stopwatch.StartNew();
        await loop.StopAsync(CancellationToken.None);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopping.Elapsed}");

        // The lock connection went back to the pool of a live process: without the explicit unlock it would still hold
        // the lock until that pooled connection was next used.
        await using var taken = await LeaderLock.TryAcquireAsync(other, settings.LockName, CancellationToken.None);
        Assert.NotNull(taken);
    }

    [Fact]
    public async Task A_step_that_never_ends_shows_as_degraded_past_the_stall_limit_and_a_long_planned_wait_does_not()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var settings = new LeaderLoopSettings("probe:stall") { StallAfter = TimeSpan.FromMinutes(5), LeaseCheckInterval = TimeSpan.FromHours(1) };
        var (loop, job) = await StartAsync("stall", settings, clock);
        job.StepDelay = TimeSpan.FromMinutes(10);
        await Eventually.MatchesAsync(() => Task.FromResult(loop.Status.Current), s => s is { State: LeaderLoopState.Leading, Resting: true },
            "the loop leading and resting", Patience);
        // Let the step that was resting 50 ms finish and begin its ten-minute rest.
        await Task.Delay(200);
        clock.Advance(TimeSpan.FromMilliseconds(60));
        await Task.Delay(300);

        // Six minutes into a planned ten-minute wait: past the stall limit, and no stall.
        clock.Advance(TimeSpan.FromMinutes(6));
        var resting = await HealthAsync(loop, clock);
        Assert.Equal(HealthStatus.Healthy, resting.Status);

        // The wait ends and the next step waits on a dependency that never answers.
        job.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        clock.Advance(TimeSpan.FromMinutes(4));
        await Eventually.MatchesAsync(() => Task.FromResult(job.Hanging), h => h, "the step to hang", Patience);
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(loop, clock)).Status);
        clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(loop, clock)).Status);
        clock.Advance(TimeSpan.FromSeconds(2));
        var stalled = await HealthAsync(loop, clock);
        Assert.Equal(HealthStatus.Degraded, stalled.Status);
        Assert.Contains("probe leading, but its current step has run since", stalled.Description);
        Assert.Equal(LeaderLoopState.Leading, loop.Status.Current.State);

        // The dependency answers: the step ends and the loop is healthy again.
        var steps = await StepsSinceAsync("stall", DateTime.MinValue);
        var hang = job.Hang!;
        job.Hang = null;
        hang.SetResult();
        await Eventually.MatchesAsync(async () => await StepsSinceAsync("stall", DateTime.MinValue) > steps && loop.Status.Current.Resting, done => done,
            "the hung step to finish and the loop to rest", Patience);
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(loop, clock)).Status);
    }

    private async Task<(LeaderLoop<ProbeJob> Loop, ProbeJob Job)> StartAsync(string instance, LeaderLoopSettings settings, TimeProvider clock, int failures = 0)
    {
        // A pool per instance, as two replicas would have.
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database) { ApplicationName = "probe-" + instance }.ConnectionString);
        var job = new ProbeJob(instance, dataSource, settings) { FailuresLeft = failures };
        var loop = new LeaderLoop<ProbeJob>(job, dataSource, clock, NullLoggerFactory.Instance);
        _disposables.Add(dataSource);
        _disposables.Add(new Stopping(loop));
        await loop.StartAsync(CancellationToken.None);
        return (loop, job);
    }

    private static LeaderLoopState[] States(params LeaderLoop<ProbeJob>[] loops) => [.. loops.Select(l => l.Status.Current.State)];

    private static Task<HealthCheckResult> HealthAsync(LeaderLoop<ProbeJob> loop, TimeProvider? clock = null) =>
        new LeaderLoopHealthCheck(loop.Status, "probe", clock ?? TimeProvider.System, loop.Job.Settings.StallAfter).CheckHealthAsync(new HealthCheckContext());

    /// <summary>Terminates the backend holding the session lock on <paramref name="key"/>; returns its pid.</summary>
    private async Task<int> KillLockHolderAsync(string key)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        // A bigint advisory key shows in pg_locks as its high half (classid) and low half (objid), objsubid 1.
        await using var command = new NpgsqlCommand("""
            SELECT pid, pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND (classid::int8 << 32 | objid::int8) = hashtextextended(@key, 0)
            """, connection);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"nobody holds {key}");
        var pid = reader.GetInt32(0);
        Assert.True(reader.GetBoolean(1));
        Assert.False(await reader.ReadAsync());
        return pid;
    }

    private async Task<DateTime> NowAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database);
        await using var command = dataSource.CreateCommand("SELECT clock_timestamp()");
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> StepsSinceAsync(string instance, DateTime since)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM probe_steps WHERE instance = @instance AND at > @since");
        command.Parameters.AddWithValue("instance", instance);
        command.Parameters.AddWithValue("since", since == DateTime.MinValue ? DateTime.UnixEpoch : since);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class Stopping(LeaderLoop<ProbeJob> loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await loop.StopAsync(CancellationToken.None);
            loop.Dispose();
        }
    }
}
