using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nethereum.Web3;
using Npgsql;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// The bridge never anchors a history that does not extend the one on chain, and a restore that drops its read models
/// finds its contracts again. Each test anchors a history with one bridge, stops it, and starts another bridge on the
/// same chain: over a history database of its own (a foreign history), or over the first one with its read models
/// dropped (a restore).
/// </summary>
public sealed class ForeignHistoryTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly AnvilNode _chain = new();
    private readonly List<string> _databases = [];
    private readonly List<string> _brokers = [];

    public sealed record TestEntryRecorded(string History, int Number);

    public Task InitializeAsync() => _chain.InitializeAsync();

    [Fact]
    public async Task A_log_of_another_history_is_refused_before_it_reaches_the_chain()
    {
        // Both databases first: creating one while the first bridge shuts down timed out on a loaded server.
        var theirs = await CreateBackendsAsync();
        var ours = await StartAsync();
        await AppendAsync(ours.Host, "ours", 5);
        var anchored = await Eventually.MatchesAsync(() => OnChainHeadAsync(ours.Host), h => h.TreeSize >= 5, "our history anchored", Patience);
        var deployment = ours.Host.Services.GetRequiredService<ChainConnection>().Deployment!;
        await ours.Host.DisposeAsync();

        // Another history against the same contracts: more entries than the chain's head, none of them ours.
        var foreign = Start(theirs,
            ("Chain:AnchorContract", deployment.AnchorAddress),
            ("Chain:TokenContract", deployment.TokenAddress),
            ("Chain:DistributorContract", deployment.DistributorAddress));
        await using var host = foreign.Host;
        await AppendAsync(host, "theirs", 20);

        await Eventually.MatchesAsync(() => HealthAsync(host), h => h == "Unhealthy", "the bridge unhealthy", Patience);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Contains("anchoring halted", report.Entries["chain"].Description, StringComparison.Ordinal);
        var halted = await Eventually.MatchesAsync(() => HaltedEventsAsync(foreign.Database), e => e.Count > 0, "the halt recorded", Patience);

        // More entries, more rounds of the scheduler: still nothing sent, the finding recorded once.
        await AppendAsync(host, "theirs", 5);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var onChain = await OnChainHeadAsync(host);
        Assert.Equal(anchored.TreeSize, onChain.TreeSize);
        Assert.Equal(anchored.RootHash, onChain.RootHash);
        Assert.Equal(halted, await HaltedEventsAsync(foreign.Database));
        var finding = Assert.Single(halted);
        Assert.Equal((long)anchored.TreeSize, finding.OnChainTreeSize);
        Assert.Equal(Hex.Encode(anchored.RootHash), finding.OnChainRoot);
        Assert.NotNull(finding.LocalRoot);
        Assert.NotEqual(finding.OnChainRoot, finding.LocalRoot);
        Assert.Equal("Unhealthy", await HealthAsync(host));
    }

    [Fact]
    public async Task A_restore_that_drops_the_read_models_neither_deploys_again_nor_anchors_from_scratch()
    {
        var first = await StartAsync();
        await AppendAsync(first.Host, "ours", 5);
        var anchored = await Eventually.MatchesAsync(() => OnChainHeadAsync(first.Host), h => h.TreeSize >= 5, "our history anchored", Patience);
        var deployment = first.Host.Services.GetRequiredService<ChainConnection>().Deployment!;
        await first.Host.DisposeAsync();
        var viewsBefore = await AnchorViewsAsync(first.Database);
        var nonce = await NonceAsync();

        // The restore runbook drops every read model (the deployment record and the anchors' view among them); the
        // history and the log stay.
        await using (var connection = new NpgsqlConnection(first.Database))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP SCHEMA chainbridge_docs CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        await using var restored = new BridgeHost(Settings(first.Database, first.Broker));
        using var client = restored.CreateClient();
        var chain = restored.Services.GetRequiredService<ChainConnection>();
        var found = await Eventually.MatchesAsync(() => Task.FromResult(chain.Deployment), d => d is not null, "the contracts found", Patience);
        Assert.Equal(deployment.AnchorAddress, found!.AnchorAddress);
        Assert.Equal(deployment.DistributorAddress, found.DistributorAddress);
        await Eventually.MatchesAsync(() => HealthAsync(restored), h => h == "Healthy", "the bridge ready", Patience);
        await Task.Delay(TimeSpan.FromSeconds(3));

        // Nothing was deployed, and nothing was anchored from scratch: the head on chain is the one anchored before the
        // restore, or a larger one covering what the history recorded since (the anchors' own events grow the log, so
        // the restored bridge may rightly anchor once more; its guard has checked that head extends the old one).
        var onChain = await OnChainHeadAsync(restored);
        Assert.True(onChain.TreeSize >= anchored.TreeSize, $"the head went back from {anchored.TreeSize} to {onChain.TreeSize}");
        if (onChain.TreeSize == anchored.TreeSize)
        {
            Assert.Equal(anchored.RootHash, onChain.RootHash);
            Assert.Equal(nonce, await NonceAsync());
        }

        // And it anchors on from there once the history grows.
        await AppendAsync(restored, "ours", 3);
        await Eventually.MatchesAsync(() => OnChainHeadAsync(restored), h => h.TreeSize > anchored.TreeSize, "the grown history anchored", Patience);
        Assert.Empty(await HaltedEventsAsync(first.Database));

        // The anchors' view was rebuilt from the history, not from what the chain showed: each head is recorded once, and
        // the anchors known before the restore read as they did (a confirmation may have come in since).
        var recorded = await AnchoredSizesAsync(first.Database);
        Assert.Equal(recorded.Distinct(), recorded);
        var viewsAfter = (await AnchorViewsAsync(first.Database)).ToDictionary(v => v.TreeSize);
        Assert.All(viewsBefore, before => Assert.Equal((before.RootHash, before.TxHash), (viewsAfter[before.TreeSize].RootHash, viewsAfter[before.TreeSize].TxHash)));
    }

    /// <summary>
    /// The runbook's key rotation, end to end: the admin (a cold key) moves the anchorer and publisher roles from the hot key
    /// to a new one, and the bridge restarted with the new key finds the same contracts in its history and anchors on with
    /// them; the old key sends nothing more.
    /// </summary>
    [Fact]
    public async Task After_the_admin_rotates_the_hot_key_the_restarted_bridge_anchors_the_same_contracts_with_the_new_key()
    {
        var first = await StartAsync();
        await AppendAsync(first.Host, "ours", 5);
        var anchored = await Eventually.MatchesAsync(() => OnChainHeadAsync(first.Host), h => h.TreeSize >= 5, "our history anchored", Patience);
        var deployment = first.Host.Services.GetRequiredService<ChainConnection>().Deployment!;
        await first.Host.DisposeAsync();

        using (var admin = TransactionSender.Create(_chain.RpcUrl, AnvilNode.DevPrivateKeys[9], AnvilNode.ChainId))
        {
            Assert.Equal(DevelopmentChain.Admin, admin.Address, StringComparer.OrdinalIgnoreCase);
            var anchor = admin.Web3.Eth.GetContract(ContractArtifacts.HistoryAnchor.Abi, deployment.AnchorAddress);
            var distributor = admin.Web3.Eth.GetContract(ContractArtifacts.RewardDistributor.Abi, deployment.DistributorAddress);
            await admin.SendAsync(anchor, "grantRole", [ChainDeployer.AnchorerRole, AnvilNode.DevAddresses[5]]);
            await admin.SendAsync(distributor, "grantRole", [ChainDeployer.PublisherRole, AnvilNode.DevAddresses[5]]);
            await admin.SendAsync(anchor, "revokeRole", [ChainDeployer.AnchorerRole, AnvilNode.DevAddresses[1]]);
            await admin.SendAsync(distributor, "revokeRole", [ChainDeployer.PublisherRole, AnvilNode.DevAddresses[1]]);
        }
        var oldKeySent = await NonceAsync();
        var newKeySent = await NonceAsync(5);

        await using var rotated = new BridgeHost(Settings(first.Database, first.Broker, ("Chain:AnchorerKey", AnvilNode.DevPrivateKeys[5])));
        var found = await Eventually.MatchesAsync(() => Task.FromResult(rotated.Services.GetRequiredService<ChainConnection>().Deployment),
            d => d is not null, "the contracts found", Patience);
        Assert.Equal((deployment.AnchorAddress, deployment.DistributorAddress, deployment.TokenAddress),
            (found!.AnchorAddress, found.DistributorAddress, found.TokenAddress));
        await AppendAsync(rotated, "ours", 3);
        await Eventually.MatchesAsync(() => OnChainHeadAsync(rotated), h => h.TreeSize > anchored.TreeSize, "the grown history anchored by the new key", Patience);
        Assert.True(await NonceAsync(5) > newKeySent, "the new key sent no anchor");
        Assert.Equal(oldKeySent, await NonceAsync());
        Assert.Empty(await HaltedEventsAsync(first.Database));
    }

    private static async Task<List<long>> AnchoredSizesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (data->>'treeSize')::bigint FROM history.mt_events WHERE type = 'tree_head_anchored' ORDER BY seq_id", connection);
        var sizes = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            sizes.Add(reader.GetInt64(0));
        return sizes;
    }

    private static async Task<List<(long TreeSize, string RootHash, string TxHash)>> AnchorViewsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id, data->>'rootHash', data->>'txHash' FROM chainbridge_docs.mt_doc_anchorview ORDER BY 1", connection);
        var views = new List<(long, string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            views.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        return views;
    }

    private async Task<(BridgeHost Host, string Database, string Broker)> StartAsync() => Start(await CreateBackendsAsync());

    private async Task<(string Database, string Broker)> CreateBackendsAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync("foreignhistory");
        _databases.Add(database);
        var broker = await RabbitServer.CreateVirtualHostAsync("foreignhistory");
        _brokers.Add(broker);
        return (database, broker);
    }

    private (BridgeHost Host, string Database, string Broker) Start((string Database, string Broker) backends, params (string Key, string Value)[] extra)
    {
        var host = new BridgeHost(Settings(backends.Database, backends.Broker, extra));
        host.CreateClient().Dispose();
        return (host, backends.Database, backends.Broker);
    }

    private Dictionary<string, string> Settings(string database, string broker, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = database,
            ["ConnectionStrings:rabbitmq"] = broker,
            ["ConnectionStrings:chain"] = _chain.RpcUrl,
            ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[1],
            ["Anchoring:Period"] = "00:00:00.500",
            ["Anchoring:RetryInitialDelay"] = "00:00:00.200",
            ["ClaimRoots:RetryInitialDelay"] = "00:00:00.200",
            ["Anchoring:RetryMaxDelay"] = "00:00:01",
            ["ClaimRoots:RetryMaxDelay"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra)
            settings[key] = value;
        return settings;
    }

    private static async Task AppendAsync(BridgeHost host, string history, int count)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.Append($"test/{history}/{Guid.NewGuid():N}", Enumerable.Range(0, count).Select(i => (object)new TestEntryRecorded(history, i)).ToArray());
        await session.SaveChangesAsync();
    }

    // Unhealthy answers 503, which GetStringAsync would throw on.
    private static async Task<string> HealthAsync(BridgeHost host)
    {
        using var client = host.CreateClient();
        using var response = await client.GetAsync("/health");
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<AnchoredHead> OnChainHeadAsync(BridgeHost host)
    {
        var address = host.Services.GetRequiredService<ChainConnection>().Deployment?.AnchorAddress;
        return address is null ? new AnchoredHead(0, new byte[32]) : await new AnchorContract(new Web3(_chain.RpcUrl), address).GetLatestHeadAsync();
    }

    private async Task<ulong> NonceAsync(int account = 1) =>
        Convert.ToUInt64((await _chain.RpcAsync("eth_getTransactionCount", AnvilNode.DevAddresses[account], "latest")).GetString(), 16);

    private static async Task<List<CommunityAI.Contracts.AnchoringHalted>> HaltedEventsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT data::text FROM history.mt_events WHERE stream_id = 'chain/anchors' AND type = 'anchoring_halted' ORDER BY seq_id", connection);
        var found = new List<CommunityAI.Contracts.AnchoringHalted>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            found.Add(System.Text.Json.JsonSerializer.Deserialize<CommunityAI.Contracts.AnchoringHalted>(reader.GetString(0),
                new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!);
        return found;
    }

    public async Task DisposeAsync()
    {
        await _chain.DisposeAsync();
        foreach (var broker in _brokers)
            await RabbitServer.DeleteVirtualHostAsync(broker);
        foreach (var database in _databases)
            await PostgresServer.DropDatabaseAsync(database);
    }
}
