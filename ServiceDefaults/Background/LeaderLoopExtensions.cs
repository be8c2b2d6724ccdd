using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.ServiceDefaults.Background;

public static class LeaderLoopExtensions
{
    /// <summary>
    /// Runs <typeparamref name="TJob"/> in a <see cref="LeaderLoop{TJob}"/> on every replica (one leads) and adds the
    /// loop's readiness check. The job and the loop are singletons, so others can read the loop's status.
    /// </summary>
    public static IServiceCollection AddLeaderLoop<TJob>(this IServiceCollection services) where TJob : class, ILeaderJob
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TJob>();
        services.AddSingleton<LeaderLoop<TJob>>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaderLoop<TJob>>());
        services.AddHealthChecks().Add(new HealthCheckRegistration("leader-loop:" + typeof(TJob).Name,
            sp => new LeaderLoopHealthCheck(sp.GetRequiredService<LeaderLoop<TJob>>().Status, typeof(TJob).Name,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<TJob>().Settings.StallAfter),
            HealthStatus.Degraded, tags: null));
        return services;
    }
}
