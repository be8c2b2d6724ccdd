using System.Numerics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Nethereum.Web3;
using Npgsql;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// The chain bridge over a database, virtual host and anvil of its own, deploying on the development chain as it does
/// locally (so with a DatasetRevenuePool whose treasury is anvil's account #7), and watching payments two blocks deep.
/// Builders get tokens the only way the token allows: minted by the distributor (impersonated on anvil).
/// </summary>
public sealed class RevenueBridge : IAsyncLifetime
{
    public const int Confirmations = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly BridgeBackends _backends = new();

    public ChainBridgeHost Host { get; private set; } = null!;
    public AnvilNode Anvil => _backends.Anvil;
    public string History => _backends.History;
    public DeployedContracts Deployment { get; private set; } = null!;
    public IWeb3 Reader => new Web3(Anvil.RpcUrl);

    public async Task InitializeAsync()
    {
        await _backends.InitializeAsync();
        Host = new ChainBridgeHost(_backends.Settings(
            ("Chain:AnchorerKey", AnvilNode.DevPrivateKeys[1]),
            ("Revenue:Confirmations", Confirmations.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Revenue:PollInterval", "00:00:00.100")));
        var chain = Host.Chain; // starts the host
        Deployment = (await Eventually.MatchesAsync(() => Task.FromResult(chain.Deployment), d => d is not null, "the contracts deployed", Patience))!;
    }

    public TransactionSender SenderFor(string privateKey) => TransactionSender.Create(Anvil.RpcUrl, privateKey, AnvilNode.ChainId);

    /// <summary>Mints <paramref name="amount"/> to <paramref name="to"/> as the distributor (its only minter), impersonated.</summary>
    public async Task MintAsync(string to, BigInteger amount)
    {
        var distributor = Deployment.DistributorAddress;
        await Anvil.RpcAsync("anvil_impersonateAccount", distributor);
        await Anvil.RpcAsync("anvil_setBalance", distributor, "0xDE0B6B3A7640000");
        var data = Reader.Eth.GetContract(ContractArtifacts.CommunityToken.Abi, Deployment.TokenAddress).GetFunction("mint").GetData(to, amount);
        await Anvil.RpcAsync("eth_sendTransaction", new { from = distributor, to = Deployment.TokenAddress, data });
        await Anvil.RpcAsync("anvil_stopImpersonatingAccount", distributor);
    }

    public async Task<BigInteger> BalanceAsync(string account) =>
        await Reader.Eth.GetContract(ContractArtifacts.CommunityToken.Abi, Deployment.TokenAddress).GetFunction("balanceOf").CallAsync<BigInteger>(account);

    /// <summary>Approves and pays the pool from <paramref name="builder"/>'s key; the pay transaction's result.</summary>
    public async Task<SentTransaction> PayAsync(TransactionSender builder, byte[] root, BigInteger amount, BigInteger? approve = null)
    {
        var token = Reader.Eth.GetContract(ContractArtifacts.CommunityToken.Abi, Deployment.TokenAddress);
        var pool = Reader.Eth.GetContract(ContractArtifacts.DatasetRevenuePool.Abi, Deployment.RevenuePoolAddress);
        await builder.SendAsync(token, "approve", [Deployment.RevenuePoolAddress, approve ?? amount]);
        return await builder.SendAsync(pool, "pay", [root, amount]);
    }

    /// <summary>The history's DatasetPaid records for <paramref name="root"/>: (stream, amount, payer, treasury).</summary>
    public async Task<List<(string Stream, string Amount, string Payer, string Treasury)>> PaymentsForAsync(string root)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT stream_id, data->>'amount', data->>'payer', data->>'treasury' FROM history.mt_events
            WHERE type = 'dataset_paid' AND data->>'snapshotRoot' = @root ORDER BY seq_id
            """, connection);
        command.Parameters.AddWithValue("root", root);
        var rows = new List<(string, string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        return rows;
    }

    /// <summary>The watcher's saved block, or null before its first save (it saves after every scan).</summary>
    public async Task<long?> ScannedUpToAsync()
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COALESCE(data->>'lastBlock', data->>'LastBlock')::bigint FROM chainbridge_docs.mt_doc_revenuescancursor LIMIT 1", connection);
        try
        {
            return await command.ExecuteScalarAsync() is long block ? block : null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Marten creates the document's table with the watcher's first save: under load the test asks before that.
            return null;
        }
    }

    public async Task ForgetScansAsync()
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("DELETE FROM chainbridge_docs.mt_doc_revenuescancursor", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _backends.DisposeAsync();
    }
}
