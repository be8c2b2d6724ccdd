using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChainBridge.IntegrationTests;

/// <summary>The chain bridge started from its own Program with the test's settings, its logs captured.</summary>
public sealed class ChainBridgeHost(IReadOnlyDictionary<string, string> settings, LogLevel minimumLevel = LogLevel.Information)
    : WebApplicationFactory<ChainOptions>
{
    public CapturedLogs Logs { get; } = new();

    public ChainConnection Chain => Services.GetRequiredService<ChainConnection>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
            logging.SetMinimumLevel(minimumLevel);
        });
    }
}
