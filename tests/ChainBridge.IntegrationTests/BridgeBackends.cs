using System.Globalization;
using CommunityAI.Testing;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// What the chain bridge runs against, for one test class: a fresh database, virtual host and anvil.
/// Anchoring is set to wait a day, so the log changes only when a test makes it.
/// </summary>
public sealed class BridgeBackends : IAsyncLifetime
{
    public AnvilNode Anvil { get; } = new();
    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";

    public Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = History,
            ["ConnectionStrings:rabbitmq"] = Broker,
            ["ConnectionStrings:chain"] = Anvil.RpcUrl,
            ["Chain:Id"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Anchoring:Period"] = "1.00:00:00",
            ["Anchoring:EveryEntries"] = "1000000000",
        };
        foreach (var (key, value) in extra)
            settings[key] = value;
        return settings;
    }

    public async Task InitializeAsync()
    {
        await Anvil.InitializeAsync();
        History = await PostgresServer.CreateDatabaseAsync("bridge");
        Broker = await RabbitServer.CreateVirtualHostAsync("bridge");
    }

    public async Task DisposeAsync()
    {
        await RabbitServer.DeleteVirtualHostAsync(Broker);
        await PostgresServer.DropDatabaseAsync(History);
        await Anvil.DisposeAsync();
    }
}
