using System.Globalization;
using CommunityAI.Testing;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// A fresh database, virtual host and anvil that plays a public network (chain id 11155111, Sepolia's), for the
/// deployment rules outside development. Anchoring waits a day, so only deployment happens.
/// </summary>
public sealed class PublicNetworkBackends : IAsyncLifetime
{
    public const long ChainId = 11155111;

    public AnvilNode Anvil { get; } = new PublicNetworkAnvil();
    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";

    public Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = History,
            ["ConnectionStrings:rabbitmq"] = Broker,
            ["ConnectionStrings:chain"] = Anvil.RpcUrl,
            ["Chain:Id"] = ChainId.ToString(CultureInfo.InvariantCulture),
            ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[1],
            ["Anchoring:Period"] = "1.00:00:00",
            ["Anchoring:EveryEntries"] = "1000000000",
            ["Anchoring:RetryInitialDelay"] = "00:00:00.200",
            ["ClaimRoots:RetryInitialDelay"] = "00:00:00.200",
            ["Anchoring:RetryMaxDelay"] = "00:00:01",
            ["ClaimRoots:RetryMaxDelay"] = "00:00:01",
        };
        foreach (var (key, value) in extra)
            settings[key] = value;
        return settings;
    }

    public async Task InitializeAsync()
    {
        await Anvil.InitializeAsync();
        History = await PostgresServer.CreateDatabaseAsync("bridgepublic");
        Broker = await RabbitServer.CreateVirtualHostAsync("bridgepublic");
    }

    public async Task DisposeAsync()
    {
        await RabbitServer.DeleteVirtualHostAsync(Broker);
        await PostgresServer.DropDatabaseAsync(History);
        await Anvil.DisposeAsync();
    }

    private sealed class PublicNetworkAnvil : AnvilNode
    {
        public override long NodeChainId => PublicNetworkBackends.ChainId;
    }
}
