using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// A service's process cut down to what a history test needs, started: the history store on the test's database in a
/// schema of the test's own, and whatever else the test adds (a bus, an outbox).
/// </summary>
internal static class HistoryHost
{
    public static async Task<IHost> StartAsync(string connectionString, string schema,
        Action<StoreOptions>? configure = null, Action<HostApplicationBuilder>? add = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:history"] = connectionString;
        builder.AddHistoryStore(schema, configure);
        add?.Invoke(builder);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
