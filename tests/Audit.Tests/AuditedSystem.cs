using System.Globalization;
using System.Numerics;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Audit.Chain;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats;
using CommunityAI.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MassTransit;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// A real audited history for one test class: events written with Marten into a fresh database, logged and anchored
/// on anvil by the real chain-bridge, its proof files fetched from its API; then the chain-bridge is stopped so the
/// history holds still, and one more event is appended that no head covers yet. Tests that tamper work on a copy.
/// </summary>
public sealed class AuditedSystem : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly List<string> _clones = [];
    private string _broker = "";

    public AnvilNode Chain { get; } = new();
    public string Database { get; private set; } = "";
    public string AnchorAddress { get; private set; } = "";
    public string DistributorAddress { get; private set; } = "";
    public string TokenAddress { get; private set; } = "";

    /// <summary>The claim paid on chain against epoch 1's root: account and amount.</summary>
    public (string Account, BigInteger Amount) Claim { get; private set; }
    public List<string> ContributionIds { get; private set; } = [];
    public List<string> InclusionProofs { get; } = [];
    public List<string> ConsistencyProofs { get; } = [];
    public List<(long TreeSize, string TxHash)> Anchors { get; } = [];
    public long HistorySize { get; private set; }

    public string[] ChainArgs => ["--rpc", Chain.RpcUrl, "--anchor", AnchorAddress];

    public async Task InitializeAsync()
    {
        await Chain.InitializeAsync();
        Database = await PostgresServer.CreateDatabaseAsync("audit");
        _broker = await RabbitServer.CreateVirtualHostAsync("audit");

        await using var history = new SyntheticHistory(Database);
        await history.PublishPolicyAsync("v1");
        await history.WriteEpochAsync(0, 6);

        await using (var bridge = new ServiceHost<LogStore>(Settings))
        {
            var client = bridge.CreateClient();
            await WaitForAnchorAsync(client, await AnchorableCountAsync());
            var (closed, closedId) = await history.WriteEpochAsync(1, 4);
            // Epoch 0 is never published on chain; epoch 1's root is, once the ledger's outbox would have announced it.
            await bridge.Services.GetRequiredService<IBus>().Publish(closed, context => context.MessageId = closedId);
            await WaitForClaimRootAsync(1);
            await WaitForAnchorAsync(client, await AnchorableCountAsync());

            var chain = await client.GetFromJsonAsync<JsonElement>("/api/chain");
            AnchorAddress = chain.GetProperty("anchorContract").GetString()!;
            DistributorAddress = chain.GetProperty("distributorContract").GetString()!;
            TokenAddress = chain.GetProperty("tokenContract").GetString()!;
            var anchors = await client.GetFromJsonAsync<JsonElement>("/api/log/anchors");
            var sizes = anchors.EnumerateArray().Select(a => a.GetProperty("treeSize").GetInt64()).ToList();
            var size = sizes.Max();
            foreach (var index in new[] { 0L, 1, size / 2, size - 2, size - 1 }.Distinct())
                InclusionProofs.Add(await client.GetStringAsync($"/api/log/proof/inclusion?index={index}&treeSize={size}"));
            foreach (var (first, second) in new[] { (1L, size), (size / 2, size), (sizes.Min(), size), (size - 1, size) }.Distinct())
                ConsistencyProofs.Add(await client.GetStringAsync($"/api/log/proof/consistency?first={first}&second={second}"));
        }

        // Read back from the chain once the bridge has stopped, so no anchor is missed.
        var (heads, _) = await AnchorReader.ReadAllAsync(new ChainDeployment(Chain.RpcUrl, AnchorAddress, null, null, null), CancellationToken.None);
        Anchors.AddRange(heads.Select(h => (h.TreeSize, h.TransactionHash)));

        // One contributor claims what epoch 1's root gives it, through a relayer paying the gas.
        var tree = history.ClaimTree;
        var account = AnvilNode.DevAddresses[1];
        Claim = (account, tree.GetAmount(account));
        var relayer = new Web3(new Account(AnvilNode.DevPrivateKeys[4], AnvilNode.ChainId), Chain.RpcUrl);
        var claim = await relayer.Eth.GetContractTransactionHandler<ClaimFunction>().SendRequestAndWaitForReceiptAsync(DistributorAddress,
            new ClaimFunction { Account = account, CumulativeAmount = Claim.Amount, Proof = [.. tree.GetProof(account).Select(p => Hex.Decode(p))] });
        if (claim.Status.Value != 1)
            throw new InvalidOperationException($"the fixture's claim failed: tx {claim.TransactionHash}");

        // Newer than every anchored head, as a live history always is.
        await history.AppendUnknownAsync("contributions/pending-after-last-anchor");
        ContributionIds = history.ContributionIds;
        HistorySize = await CountAsync();
    }

    private Dictionary<string, string> Settings => new()
    {
        ["ConnectionStrings:history"] = Database,
        ["ConnectionStrings:rabbitmq"] = _broker,
        ["ConnectionStrings:chain"] = Chain.RpcUrl,
        ["Chain:Id"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
        ["Chain:VerifyingContract"] = TestChain.AnchorContract,
        ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[0],
        ["Anchoring:Period"] = "00:00:00.500",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private async Task WaitForClaimRootAsync(long epoch)
    {
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (DateTime.UtcNow < deadline)
        {
            await using var connection = new NpgsqlConnection(Database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"SELECT count(*) FROM history.mt_events WHERE type = 'claim_root_published' AND (data->>'epoch')::bigint = {epoch}", connection);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
                return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"epoch {epoch}'s claim root was not published within 150 s");
    }

    private static async Task WaitForAnchorAsync(HttpClient client, long covering)
    {
        // Generous: on a loaded shared machine the bridge may take a while to log and anchor.
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (DateTime.UtcNow < deadline)
        {
            var anchors = await client.GetFromJsonAsync<JsonElement>("/api/log/anchors", Web);
            if (anchors.EnumerateArray().Any(a => a.GetProperty("treeSize").GetInt64() >= covering))
                return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"no head covering {covering} entries was anchored within 150 s");
    }

    /// <summary>
    /// The log size an anchor must reach to cover every event but the bridge's own anchor records at the end: those alone
    /// are never a reason to anchor again (AnchorScheduler), so counting them would wait for a head that never comes.
    /// </summary>
    private async Task<long> AnchorableCountAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM history.mt_events
            WHERE seq_id <= (SELECT max(seq_id) FROM history.mt_events WHERE stream_id <> 'chain/anchors')
            """, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The entries the chain-bridge logged, in log order, as a log operator would serve them.</summary>
    public async Task<List<byte[]>> LoggedEntriesAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT entry FROM chainbridge.log_entries ORDER BY log_index", connection);
        var entries = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            entries.Add((byte[])reader[0]);
        return entries;
    }

    public async Task<long> CountAsync(string? database = null)
    {
        await using var connection = new NpgsqlConnection(database ?? Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM history.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A copy of the history database to tamper with (CREATE DATABASE … TEMPLATE).</summary>
    public async Task<string> CloneAsync()
    {
        var server = await PostgresServer.ServerConnectionStringAsync();
        var source = new NpgsqlConnectionStringBuilder(Database).Database!;
        var name = $"t_auditclone_{Guid.NewGuid():N}";
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{source}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        var clone = new NpgsqlConnectionStringBuilder(Database) { Database = name }.ConnectionString;
        lock (_clones)
            _clones.Add(clone);
        return clone;
    }

    public static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The seq_id of the event at log index <paramref name="index"/> (dense position in seq order).</summary>
    public static async Task<long> SequenceAtAsync(string database, long index)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT seq_id FROM history.mt_events ORDER BY seq_id OFFSET {index} LIMIT 1", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        foreach (var clone in _clones)
            await PostgresServer.DropDatabaseAsync(clone);
        await Chain.DisposeAsync();
        if (_broker.Length > 0)
            await RabbitServer.DeleteVirtualHostAsync(_broker);
        if (Database.Length > 0)
            await PostgresServer.DropDatabaseAsync(Database);
    }

    [Function("claim", "uint256")]
    private sealed class ClaimFunction : FunctionMessage
    {
        [Parameter("address", "account", 1)]
        public string Account { get; set; } = "";

        [Parameter("uint256", "cumulativeAmount", 2)]
        public BigInteger CumulativeAmount { get; set; }

        [Parameter("bytes32[]", "proof", 3)]
        public List<byte[]> Proof { get; set; } = [];
    }
}
