using System.Diagnostics;
using CommunityAI.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using IPNetwork = System.Net.IPNetwork;

namespace CommunityAI.ServiceDefaults.Telemetry;

/// <summary>
/// Whose trace a request joins. ASP.NET Core continues any caller's W3C <c>traceparent</c>, and the events a request
/// appends keep its context (<see cref="History.HistoryTraceContext"/>) for every service the work reaches: a caller could
/// mark its own work sampled, past one-in-ten sampling, in every service, and file it under a trace id of its choosing.
/// So a request continues its caller's trace (and takes its baggage) only when the connection comes from a trusted proxy
/// (<see cref="TrustedProxies"/>: the portal, whose requests carry the portal's own trace); any other starts a trace of
/// its own. The portal, the public edge, continues none (<see cref="ContinueNone"/>): the ingress in front of it passes a
/// browser's headers through as they came.
/// </summary>
public static class CallerTraceContext
{
    /// <summary>Continues a caller's context only from <paramref name="trustedProxies"/>; part of every service's edge.</summary>
    public static void Configure(IServiceCollection services, IReadOnlyList<IPNetwork> trustedProxies)
    {
        services.AddHttpContextAccessor();
        services.TryAddSingleton(new CallerTrust(trustedProxies));
        // ASP.NET Core's hosting asks the propagator registered here, per host (the web host registered the process's).
        services.RemoveAll<DistributedContextPropagator>();
        services.AddSingleton<DistributedContextPropagator>(provider => new TrustedPeerPropagator(
            DistributedContextPropagator.Current, provider.GetRequiredService<IHttpContextAccessor>(), provider.GetRequiredService<CallerTrust>()));
        // OpenTelemetry's ASP.NET Core instrumentation extracts the caller's context again, by itself, whenever the
        // process's propagator is anything but the W3C one (the SDK's default adds baggage), and starts a span in that
        // context beside ASP.NET Core's: past the check above. With the W3C propagator alone it keeps ASP.NET Core's span.
        Sdk.SetDefaultTextMapPropagator(new TraceContextPropagator());
    }

    /// <summary>Every request starts a trace of its own, whoever forwarded it: the public edge's setting.</summary>
    public static void ContinueNone(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton(new CallerTrust([])));

    /// <summary>The peers whose trace context a service continues.</summary>
    internal sealed record CallerTrust(IReadOnlyList<IPNetwork> Proxies)
    {
        public bool Continues(HttpContext? request) =>
            request is not null && TrustedProxies.Contains(Proxies, request.Connection.RemoteIpAddress);
    }

    /// <summary>
    /// The runtime's propagator, reading a request's headers only when its peer is trusted. The headers ASP.NET Core hands
    /// it name no peer, but the request is already the accessor's current one (its context factory sets it first).
    /// </summary>
    private sealed class TrustedPeerPropagator(DistributedContextPropagator inner, IHttpContextAccessor requests, CallerTrust trust)
        : DistributedContextPropagator
    {
        public override IReadOnlyCollection<string> Fields => inner.Fields;

        public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
            inner.Inject(activity, carrier, setter);

        public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
        {
            traceId = null;
            traceState = null;
            if (trust.Continues(requests.HttpContext))
                inner.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);
        }

        public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
            trust.Continues(requests.HttpContext) ? inner.ExtractBaggage(carrier, getter) : null;
    }
}
