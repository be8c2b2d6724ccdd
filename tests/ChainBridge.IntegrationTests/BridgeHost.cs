using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChainBridge.IntegrationTests;

/// <summary>The chain-bridge service started from its own Program with the test's settings.</summary>
public sealed class BridgeHost(IReadOnlyDictionary<string, string> settings)
    : WebApplicationFactory<CommunityAI.ChainBridge.Anchoring.AnchorOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }
}
