using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// One service from its own Program with the test's settings, listening on a real loopback port (Kestrel, not the
/// in-memory test server): the browser and the portal's proxy reach it over TCP as they would in production.
/// </summary>
public sealed class ListeningServiceHost<TMarker> : WebApplicationFactory<TMarker> where TMarker : class
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public ListeningServiceHost(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        Address = new Uri($"http://127.0.0.1:{Port}");
        // UseKestrel(port) races the app's own Kestrel start over the address list ("Addresses cannot be modified after
        // the server has started", dotnet/aspnetcore#67714; it failed one CI run): the address is a setting instead.
        UseKestrel();
        StartServer();
    }

    public int Port { get; } = FreePort.Next();
    public Uri Address { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, Address.ToString().TrimEnd('/'));
    }
}
