using CommunityAI.Portal.Proxy;
using Microsoft.Extensions.Options;

namespace CommunityAI.Portal;

public static class Extensions
{
    public static IHostApplicationBuilder AddPortalServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PortalOptions>()
            .Bind(builder.Configuration.GetSection(PortalOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var (routes, clusters) = ServiceRoutes.Build(builder.Configuration);
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
    }

    /// <summary>The page's settings, as JSON; public values only (a chain id and an RPC address).</summary>
    public static IEndpointRouteBuilder MapPortalConfig(this IEndpointRouteBuilder app)
    {
        app.MapGet("/portal/config.json", (IOptions<PortalOptions> options) => TypedResults.Ok(new PortalConfig(
            options.Value.ChainId, options.Value.ChainRpcUrl, options.Value.ChainName)));
        return app;
    }

    public sealed record PortalConfig(long ChainId, string ChainRpcUrl, string ChainName);
}
