using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommunityAI.Testing;

/// <summary>
/// One service, started from its own Program in the Testing environment with the test's settings: the one test host.
/// <typeparamref name="TMarker"/> is any public type of the service's assembly (the factory runs that assembly's entry
/// point). <paramref name="services"/> replaces services (a test clock, say); <paramref name="configure"/> adds anything
/// else to the host (a log sink).
/// </summary>
public class ServiceHost<TMarker>(
    IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services = null, Action<IWebHostBuilder>? configure = null)
    : WebApplicationFactory<TMarker> where TMarker : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        if (ServerErrorFile.For(typeof(TMarker).Assembly.GetName().Name ?? "service") is { } errors)
            builder.ConfigureLogging(logging => logging.AddProvider(errors));
        if (services is not null)
            builder.ConfigureTestServices(services);
        configure?.Invoke(builder);
    }
}
