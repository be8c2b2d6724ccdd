using CommunityAI.ServiceDefaults.Http;
using CommunityAI.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every CommunityAI service gets: telemetry over OTLP, health endpoints, service discovery and
/// resilient HTTP clients. Kept in the Aspire shape so the AppHost and Kubernetes see the same service.
/// </summary>
public static class ServiceDefaultsExtensions
{
    private const string AliveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddLoggingDefaults();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        // Who the client is (forwarded headers from trusted proxies only) and a per-client limit on POSTs, first in every pipeline.
        builder.AddClientEdge();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        // Every problem answer passes here, so refusals are counted by reason once for every endpoint of every service.
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            CommunityMetrics.RequestsRefused.Add(1,
                new KeyValuePair<string, object?>("status", context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode),
                new KeyValuePair<string, object?>("reason", context.ProblemDetails.Title ?? "unknown")));
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", "Marten", "Npgsql", CommunityTelemetry.MeterName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("MassTransit", "Marten", "Npgsql", CommunityTelemetry.ActivitySourceName)
                // Probes would drown real traffic in the trace view.
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx =>
                    !ctx.Request.Path.StartsWithSegments("/health") && !ctx.Request.Path.StartsWithSegments("/alive"))
                .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = HttpClientTracing.InsideOperation));

        // Export only where a collector is configured (the AppHost sets this; Kubernetes sets it per overlay).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [AliveTag]);
        return builder;
    }

    /// <summary>
    /// /health answers readiness (every dependency: PostgreSQL, RabbitMQ, the chain where used);
    /// /alive answers liveness (the process only), so a broker outage never gets pods killed.
    /// Mapped in every environment: Kubernetes probes need them in production.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains(AliveTag) });
        return app;
    }
}
