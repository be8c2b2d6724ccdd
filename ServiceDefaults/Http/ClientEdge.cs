using CommunityAI.ServiceDefaults.Limits;
using CommunityAI.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.ServiceDefaults.Http;

/// <summary>
/// The first two steps of every service's pipeline, ahead of what its Program.cs adds: who the client is (forwarded
/// headers from trusted proxies only) and whether that client is over its request limit. A startup filter puts them
/// first, so no service can forget them or order them after a body is read. The same proxies alone may name the trace a
/// request joins (<see cref="CallerTraceContext"/>), decided as the request arrives, before any step.
/// </summary>
public static class ClientEdge
{
    public static IHostApplicationBuilder AddClientEdge(this IHostApplicationBuilder builder)
    {
        var proxies = TrustedProxies.Read(builder.Configuration);
        TrustedProxies.Configure(builder.Services, proxies);
        CallerTraceContext.Configure(builder.Services, proxies);
        ClientAddressLimit.Configure(builder.Services);
        builder.Services.AddSingleton<IStartupFilter, Filter>();
        return builder;
    }

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseForwardedHeaders();
            app.UseRateLimiter();
            next(app);
        };
    }
}
