using CommunityAI.ServiceDefaults.Database;
using CommunityAI.Testing;

namespace CommunityAI.EndToEndTests;

/// <summary>Each service SIGKILLed mid-load and started again, one after the other, against the shared servers.</summary>
[Trait("Category", "Fault")]
public sealed class ProcessKillTests : IAsyncLifetime
{
    private static readonly string[] Services = ["QualityScoring", "RewardLedger", "ChainBridge", "Contributions"];
    private static readonly Dictionary<string, ServiceRole> Roles = new()
    {
        ["QualityScoring"] = ServiceRoles.QualityScoring, ["RewardLedger"] = ServiceRoles.RewardLedger,
        ["ChainBridge"] = ServiceRoles.ChainBridge, ["Contributions"] = ServiceRoles.Contributions,
    };
    private readonly AnvilNode _chain = new();
    private readonly Dictionary<string, ServiceProcess> _running = [];
    private string _history = "";
    private string _broker = "";

    [Fact]
    public async Task Every_service_killed_mid_load_and_restarted_loses_nothing_and_counts_nothing_twice()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var http = new HttpClient { BaseAddress = _running["Contributions"].BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var load = SignedContributions.SubmitSteadilyAsync(() => http, 40, TimeSpan.FromMilliseconds(150), run: 6, cancel.Token);

        foreach (var name in Services)
        {
            await Task.Delay(700, cancel.Token);
            await _running[name].KillAsync();
            await Task.Delay(500, cancel.Token);
            await StartAsync(name);
            if (name == "Contributions")
                http = new HttpClient { BaseAddress = _running["Contributions"].BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        }

        var accepted = await load;
        await HistoryInvariants.AssertSettledAsync(_history, accepted, TimeSpan.FromMinutes(3), _chain.RpcUrl);
    }

    private async Task StartAsync(string name)
    {
        // Each process under its own database role and broker user, as in production.
        var settings = new Dictionary<string, string>(SystemUnderTest.LoginsOf(Roles[name], _history, _broker))
        {
            ["ConnectionStrings:chain"] = _chain.RpcUrl,
            ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[0],
            ["Chain:VerifyingContract"] = TestChain.AnchorContract,
            ["Anchoring:Period"] = "00:00:01",
        };
        var process = new ServiceProcess(name, settings);
        await process.StartAsync();
        _running[name] = process;
    }

    public async Task InitializeAsync()
    {
        await _chain.InitializeAsync();
        _history = await PostgresServer.CreateDatabaseAsync("kill");
        _broker = await RabbitServer.CreateVirtualHostAsync("kill");
        await SystemUnderTest.SetUpLoginsAsync(_history, _broker, (await RabbitServer.ServerAsync()).Management);
        foreach (var name in Services)
            await StartAsync(name);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _running.Values)
            await process.DisposeAsync();
        await _chain.DisposeAsync();
        await RabbitServer.DeleteVirtualHostAsync(_broker);
        await PostgresServer.DropDatabaseAsync(_history);
    }
}
