using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommunityAI.Testing;

/// <summary>
/// A small real HTTP server for a test to stand in front of or beside the system (a provider-like JSON-RPC node, a log
/// with tampered tiles, a secrets sidecar): Kestrel on a free loopback port, quiet, started before it is returned.
/// </summary>
public static class TestHttpServer
{
    /// <param name="map">Maps the server's endpoints.</param>
    /// <param name="configure">Anything else the server needs before it is built (services, Kestrel protocols).</param>
    public static async Task<WebApplication> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>The address the server listens on (http://127.0.0.1:port).</summary>
    public static string UrlOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
