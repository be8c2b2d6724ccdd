using CommunityAI.Portal.Proxy;
using CommunityAI.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;

namespace CommunityAI.Portal;

public static class Extensions
{
    public static IHostApplicationBuilder AddPortalServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PortalOptions>()
            .Bind(builder.Configuration.GetSection(PortalOptions.Section))
            // The one chain setting every service reads (Chain:Id) is the portal's too, unless Portal:ChainId says otherwise:
            // a deployment sets the chain once.
            .PostConfigure(options =>
            {
                if (builder.Configuration[$"{PortalOptions.Section}:ChainId"] is null
                    && long.TryParse(builder.Configuration["Chain:Id"], System.Globalization.CultureInfo.InvariantCulture, out var chainId))
                    options.ChainId = chainId;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The public edge: a browser's trace context, passed through by the ingress as it came, is never continued; the
        // services behind continue the portal's own (they trust its address).
        CallerTraceContext.ContinueNone(builder.Services);

        var (routes, clusters) = ServiceRoutes.Build(builder.Configuration);
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
    }

    /// <summary>The page's settings, as JSON; public values only (a chain id, an RPC address, the log's and witnesses' verifier keys).</summary>
    public static IEndpointRouteBuilder MapPortalConfig(this IEndpointRouteBuilder app)
    {
        app.MapGet("/portal/config.json", (IOptions<PortalOptions> options) => TypedResults.Ok(new PortalConfig(
            options.Value.ChainId, options.Value.ChainRpcUrl, options.Value.ChainName,
            options.Value.LogKey, options.Value.WitnessKeys, options.Value.WitnessesRequired)));
        return app;
    }

    /// <summary>
    /// Scripts, styles and images from this host only; connections to this host and the chain's JSON-RPC only; no
    /// framing. A log entry is shown as text, never as markup, but should one ever slip through, it cannot run.
    /// </summary>
    public static IApplicationBuilder UseContentSecurityPolicy(this WebApplication app)
    {
        var rpc = new Uri(app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.ChainRpcUrl).GetLeftPart(UriPartial.Authority);
        var policy = $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' {rpc}; " +
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
        return app.Use((context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = policy;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
    }

    public sealed record PortalConfig(long ChainId, string ChainRpcUrl, string ChainName, string? LogKey, string[] WitnessKeys, int WitnessesRequired);
}
