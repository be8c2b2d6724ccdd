using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChainBridge.IntegrationTests;

/// <summary>The chain bridge started from its own Program with the test's settings (the one test host), its logs captured.</summary>
public sealed class ChainBridgeHost : ServiceHost<ChainOptions>
{
    public ChainBridgeHost(IReadOnlyDictionary<string, string> settings, LogLevel minimumLevel = LogLevel.Information)
        : this(settings, minimumLevel, new CapturedLogs())
    {
    }

    private ChainBridgeHost(IReadOnlyDictionary<string, string> settings, LogLevel minimumLevel, CapturedLogs logs)
        : base(settings, configure: web => web.ConfigureLogging(logging =>
        {
            // Only the captured logs: the tests read what the bridge said, and the console stays quiet.
            logging.ClearProviders();
            logging.AddProvider(logs);
            logging.SetMinimumLevel(minimumLevel);
        })) => Logs = logs;

    public CapturedLogs Logs { get; }

    public ChainConnection Chain => Services.GetRequiredService<ChainConnection>();
}
