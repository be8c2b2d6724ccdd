using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Log;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Web3;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The way from a builder's wallet to a claimant's: the real chain-bridge and reward-ledger services on one database,
/// broker and anvil, epochs of two seconds (the bridge publishes each root to the distributor). A test starts it with
/// the ledger settings it needs, has a builder pay for a snapshot, and claims on chain.
/// </summary>
internal sealed class RevenuePath(string name, IReadOnlyDictionary<string, string>? ledgerSettings = null) : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly AnvilNode _anvil = new();
    private string _broker = "";
    private ServiceHost<LogStore>? _bridge;

    public string Database { get; private set; } = "";

    public ServiceHost<CreditWriter>? Ledger { get; private set; }

    public string RpcUrl => _anvil.RpcUrl;

    public sealed record ClaimView(string Address, string Amount, long Epoch, string Root, string[] Proof);

    public async Task StartAsync()
    {
        await _anvil.InitializeAsync();
        Database = await PostgresServer.CreateDatabaseAsync(name);
        _broker = await RabbitServer.CreateVirtualHostAsync(name);
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = Database,
            ["ConnectionStrings:rabbitmq"] = _broker,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var ledger = new Dictionary<string, string>(common)
        {
            ["Epochs:Genesis"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["Epochs:Length"] = "00:00:02",
        };
        foreach (var (key, value) in ledgerSettings ?? new Dictionary<string, string>())
            ledger[key] = value;
        Ledger = new ServiceHost<CreditWriter>(ledger);
        _bridge = new ServiceHost<LogStore>(new Dictionary<string, string>(common)
        {
            ["ConnectionStrings:chain"] = _anvil.RpcUrl,
            ["Chain:Id"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[1],
            ["Anchoring:Period"] = "1.00:00:00",
            ["Anchoring:EveryEntries"] = "1000000000",
            ["Revenue:Confirmations"] = "0",
            ["Revenue:PollInterval"] = "00:00:00.100",
        });
        _ = Ledger.Services;
    }

    /// <summary>The contracts the bridge deployed on anvil, once it has.</summary>
    public async Task<DeployedContracts> DeploymentAsync()
    {
        var chain = _bridge!.Services.GetRequiredService<ChainConnection>();
        return (await Eventually.MatchesAsync(() => Task.FromResult(chain.Deployment), d => d is not null, "the contracts deployed", Patience))!;
    }

    public Contract Token(DeployedContracts deployment) => new Web3(_anvil.RpcUrl).Eth.GetContract(ContractArtifacts.CommunityToken.Abi, deployment.TokenAddress);

    /// <summary>
    /// A builder (anvil's account 4) is given <paramref name="price"/> community tokens (minted by the distributor,
    /// impersonated on anvil) and pays it into the pool for the snapshot <paramref name="root"/>.
    /// </summary>
    public async Task PayAsync(DeployedContracts deployment, string root, BigInteger price)
    {
        var token = Token(deployment);
        await _anvil.RpcAsync("anvil_impersonateAccount", deployment.DistributorAddress);
        await _anvil.RpcAsync("anvil_setBalance", deployment.DistributorAddress, "0xDE0B6B3A7640000");
        await _anvil.RpcAsync("eth_sendTransaction", new
        {
            from = deployment.DistributorAddress, to = deployment.TokenAddress, data = token.GetFunction("mint").GetData(Builder, price),
        });
        await _anvil.RpcAsync("anvil_stopImpersonatingAccount", deployment.DistributorAddress);
        using var builderKey = TransactionSender.Create(_anvil.RpcUrl, AnvilNode.DevPrivateKeys[4], AnvilNode.ChainId);
        await builderKey.SendAsync(token, "approve", [deployment.RevenuePoolAddress, price]);
        await builderKey.SendAsync(new Web3(_anvil.RpcUrl).Eth.GetContract(ContractArtifacts.DatasetRevenuePool.Abi, deployment.RevenuePoolAddress), "pay",
            [root.HexToByteArray(), price]);
    }

    public static string Builder => AnvilNode.DevAddresses[4];

    /// <summary>
    /// Claims <paramref name="account"/>'s whole claim on chain, against the root the distributor holds, once the ledger's
    /// claim there satisfies <paramref name="ready"/> (an earlier root may not hold what the test waits for yet).
    /// </summary>
    public async Task<(ClaimView Claim, BigInteger Paid)> ClaimAsync(DeployedContracts deployment, string account, Func<ClaimView, bool> ready, string waitingFor)
    {
        using var api = Ledger!.CreateClient();
        using var relayer = TransactionSender.Create(_anvil.RpcUrl, AnvilNode.DevPrivateKeys[2], AnvilNode.ChainId);
        var distributor = new DistributorContract(relayer, deployment.DistributorAddress);
        var claim = await Eventually.MatchesAsync(async () =>
            {
                var response = await api.GetAsync($"/api/claims/{account}");
                if (response.StatusCode != HttpStatusCode.OK)
                    return null;
                var view = await response.Content.ReadFromJsonAsync<ClaimView>();
                var onChain = await distributor.GetClaimableRootAsync();
                return view is not null && onChain.Root.ToHex(true) == view.Root && ready(view) ? view : null;
            },
            c => c is not null, waitingFor, Patience);
        var paid = await distributor.ClaimAsync(account, BigInteger.Parse(claim!.Amount, CultureInfo.InvariantCulture), [.. claim.Proof.Select(p => p.HexToByteArray())]);
        return (claim, paid.Paid);
    }

    /// <summary>Stops the ledger, so an edit of the history is not followed by it.</summary>
    public async Task StopLedgerAsync()
    {
        if (Ledger is not null)
            await Ledger.DisposeAsync();
        Ledger = null;
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async Task<long> CountAsync(string sql) => Convert.ToInt64(await ScalarAsync(sql) ?? 0L, CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_bridge is not null)
            await _bridge.DisposeAsync();
        await StopLedgerAsync();
        await RabbitServer.DeleteVirtualHostAsync(_broker);
        await PostgresServer.DropDatabaseAsync(Database);
        await _anvil.DisposeAsync();
    }
}
