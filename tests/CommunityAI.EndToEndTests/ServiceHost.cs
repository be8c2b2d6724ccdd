using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// One service, started from its own Program with the test's connection strings. <typeparamref name="TMarker"/>
/// is any public type of the service's assembly: the factory runs that assembly's entry point.
/// </summary>
public sealed class ServiceHost<TMarker>(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<TMarker>
    where TMarker : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(
            new ServiceWarnings(typeof(TMarker).Assembly.GetName().Name!, settings["ConnectionStrings:history"])));
    }
}
