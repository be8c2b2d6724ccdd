using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// Readiness of one leader loop: leading, following and waiting are healthy; a failure streak is degraded, not
/// unhealthy, because the service's API keeps serving and the loop resumes from what committed once its dependency
/// is back, so the instance stays in rotation.
/// </summary>
public sealed class LeaderLoopHealthCheck(LeaderLoopStatus status, string loop) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = status.Current;
        var data = new Dictionary<string, object> { ["state"] = now.State.ToString(), ["failures"] = now.Failures };
        return Task.FromResult(now.State == LeaderLoopState.Failing
            ? HealthCheckResult.Degraded($"{loop} paused since {now.Since:O} after {now.Failures} failed attempts ({now.LastError}); retrying with backoff", data: data)
            : HealthCheckResult.Healthy($"{loop} {now.State.ToString().ToLowerInvariant()}", data));
    }
}
