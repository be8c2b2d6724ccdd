using CommunityAI.Testing;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// The whole system for one test class: a fresh database, virtual host and chain, and the four services
/// started against them with fast anchoring, so a contribution travels the real path in seconds.
/// </summary>
public sealed class SystemUnderTest : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _hosts = [];

    public AnvilNode Chain { get; } = new();
    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";

    public HttpClient Contributions { get; private set; } = null!;
    public HttpClient ChainBridge { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Chain.InitializeAsync();
        History = await PostgresServer.CreateDatabaseAsync("e2e");
        Broker = await RabbitServer.CreateVirtualHostAsync("e2e");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = History,
            ["ConnectionStrings:rabbitmq"] = Broker,
            ["ConnectionStrings:chain"] = Chain.RpcUrl,
            ["Chain:ChainId"] = AnvilNode.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[0],
            ["Intake:ChainId"] = AnvilNode.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Anchoring:Period"] = "00:00:01",
        };

        // Consumers first, so their queues are bound before anything is published.
        Start<CommunityAI.QualityScoring.IntegrationEvents.EventHandling.ContributionSubmittedConsumer>(settings);
        Start<CommunityAI.RewardLedger.IntegrationEvents.EventHandling.ContributionScoredConsumer>(settings);
        ChainBridge = Start<CommunityAI.ChainBridge.Log.LogStore>(settings);
        Contributions = Start<CommunityAI.Contributions.Domain.IntakeOptions>(settings);
    }

    private HttpClient Start<TMarker>(IReadOnlyDictionary<string, string> settings) where TMarker : class
    {
        var host = new ServiceHost<TMarker>(settings);
        _hosts.Add(host);
        return host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
            await host.DisposeAsync();
        await Chain.DisposeAsync();
        if (Broker.Length > 0)
            await RabbitServer.DeleteVirtualHostAsync(Broker);
        if (History.Length > 0)
            await PostgresServer.DropDatabaseAsync(History);
    }
}
