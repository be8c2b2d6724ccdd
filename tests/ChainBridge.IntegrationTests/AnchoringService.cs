using System.Net.Http.Json;
using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Web3;
using Npgsql;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// The chain-bridge service with its own database, virtual host and restartable anvil per test class, anchoring
/// every 500 ms and waiting for two confirmations, so tests watch anchors move through their states.
/// </summary>
public sealed class AnchoringService : IAsyncLifetime
{
    public const int Confirmations = 2;

    public RestartableAnvil Chain { get; } = new();
    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";
    public BridgeHost Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public sealed record Anchor(long TreeSize, string RootHash, string TxHash, long BlockNumber, string? BlockHash,
        string Confirmation, DateTimeOffset AnchoredAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? DroppedAt);

    public sealed record Head(long TreeSize, string RootHash);

    private sealed record Consistency(long First, long Second, string FirstRoot, string SecondRoot);

    /// <summary>A log entry of the test's own (any history event is logged).</summary>
    public sealed record TestEntryRecorded(int Number);

    public async Task InitializeAsync()
    {
        await Chain.InitializeAsync();
        History = await PostgresServer.CreateDatabaseAsync("anchoring");
        Broker = await RabbitServer.CreateVirtualHostAsync("anchoring");
        Host = new BridgeHost(new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = History,
            ["ConnectionStrings:rabbitmq"] = Broker,
            ["ConnectionStrings:chain"] = Chain.RpcUrl,
            ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[1],
            ["Anchoring:Period"] = "00:00:00.500",
            ["Anchoring:Confirmations"] = Confirmations.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Anchoring:RetryInitialDelay"] = "00:00:00.200",
            ["ClaimRoots:RetryInitialDelay"] = "00:00:00.200",
            ["Anchoring:RetryMaxDelay"] = "00:00:01",
            ["ClaimRoots:RetryMaxDelay"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        Client = Host.CreateClient();
    }

    /// <summary>
    /// Appends <paramref name="count"/> events to the history, which the log takes in; returns the number of events
    /// in the history then, the tree size that covers them.
    /// </summary>
    public async Task<long> AppendEntriesAsync(int count)
    {
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.LightweightSession();
        session.Events.Append($"test/{Guid.NewGuid():N}", Enumerable.Range(0, count).Select(i => (object)new TestEntryRecorded(i)).ToArray());
        await session.SaveChangesAsync();
        return await CountAsync("SELECT count(*) FROM history.mt_events");
    }

    /// <summary>Events of <paramref name="type"/> in the anchors' history stream for one transaction.</summary>
    public Task<long> CountAnchorEventsAsync(string type, string txHash) => CountAsync(
        "SELECT count(*) FROM history.mt_events WHERE stream_id = 'chain/anchors' AND type = @type AND data->>'txHash' = @tx",
        ("type", type), ("tx", txHash));

    private async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyList<Anchor>> AnchorsAsync() =>
        (await Client.GetFromJsonAsync<List<Anchor>>("/api/log/anchors"))!;

    public async Task<Head> LogHeadAsync() => (await Client.GetFromJsonAsync<Head>("/api/log/head"))!;

    /// <summary>The log's root at <paramref name="treeSize"/>, from the log's own consistency-proof API.</summary>
    public async Task<string> LogRootAtAsync(long treeSize)
    {
        var head = await LogHeadAsync();
        var proof = (await Client.GetFromJsonAsync<Consistency>($"/api/log/proof/consistency?first={treeSize}&second={head.TreeSize}"))!;
        return proof.FirstRoot;
    }

    public async Task<string> HealthAsync() => await Client.GetStringAsync("/health");

    /// <summary>The head the HistoryAnchor contract holds now, read straight from the node.</summary>
    public async Task<AnchoredHead> OnChainHeadAsync()
    {
        var chain = Host.Services.GetRequiredService<ChainConnection>();
        var address = chain.Deployment?.AnchorAddress ?? throw new InvalidOperationException("contracts not deployed yet");
        return await new AnchorContract(new Web3(Chain.RpcUrl), address).GetLatestHeadAsync();
    }

    /// <summary>
    /// The promises every test ends with: sizes strictly grow, every anchored root is the log's root at that size,
    /// and the contract holds exactly the newest anchor that was not dropped.
    /// </summary>
    public async Task AssertConsistentAsync()
    {
        var anchors = await AnchorsAsync();
        Assert.NotEmpty(anchors);
        Assert.Equal(anchors.Select(a => a.TreeSize).Order(), anchors.Select(a => a.TreeSize));
        Assert.Equal(anchors.Count, anchors.Select(a => a.TreeSize).Distinct().Count());
        foreach (var anchor in anchors)
            Assert.Equal(await LogRootAtAsync(anchor.TreeSize), anchor.RootHash);
        var kept = anchors.Last(a => a.Confirmation != ConfirmationState.Dropped);
        var onChain = await OnChainHeadAsync();
        Assert.Equal(kept.TreeSize, (long)onChain.TreeSize);
        Assert.Equal(kept.RootHash, Hex.Encode(onChain.RootHash));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Chain.DisposeAsync();
        await RabbitServer.DeleteVirtualHostAsync(Broker);
        await PostgresServer.DropDatabaseAsync(History);
    }
}
