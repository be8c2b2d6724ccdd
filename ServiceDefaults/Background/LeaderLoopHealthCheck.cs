using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// Readiness of one leader loop: leading, following and waiting are healthy; a failure streak, or a step running
/// longer than <see cref="LeaderLoopSettings.StallAfter"/>, is degraded, not unhealthy, because the service's API keeps
/// serving and the loop resumes from what committed once its dependency is back, so the instance stays in rotation.
/// </summary>
public sealed class LeaderLoopHealthCheck(LeaderLoopStatus status, string loop, TimeProvider clock, TimeSpan stallAfter) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = status.Current;
        var data = new Dictionary<string, object> { ["state"] = now.State.ToString(), ["failures"] = now.Failures };
        if (now.State == LeaderLoopState.Failing)
            return Task.FromResult(HealthCheckResult.Degraded(
                $"{loop} paused since {now.Since:O} after {now.Failures} failed attempts ({now.LastError}); retrying with backoff", data: data));
        var running = LeaderLoopGauge.StepAge(now, clock);
        if (running > stallAfter)
            return Task.FromResult(HealthCheckResult.Degraded(
                $"{loop} leading, but its current step has run since {now.LastStep:O} ({running.TotalSeconds:0} s, more than {stallAfter.TotalSeconds:0} s): it may be waiting on a dependency that never answers", data: data));
        return Task.FromResult(HealthCheckResult.Healthy($"{loop} {now.State.ToString().ToLowerInvariant()}", data));
    }
}
