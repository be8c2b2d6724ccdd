using Microsoft.AspNetCore.Hosting;

namespace CommunityAI.Testing;

/// <summary>
/// The one test host (<see cref="ServiceHost{TMarker}"/>) listening on a real loopback port (Kestrel, not the in-memory
/// test server): a browser, the portal's proxy or a test's own TCP client reaches it as it would in production, and the
/// service sees a real peer address.
/// </summary>
public sealed class ListeningServiceHost<TMarker> : ServiceHost<TMarker> where TMarker : class
{
    public ListeningServiceHost(IReadOnlyDictionary<string, string> settings) : base(settings)
    {
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
        base.ConfigureWebHost(builder);
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, $"http://127.0.0.1:{Port}");
    }
}
