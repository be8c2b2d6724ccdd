using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Security.Cryptography;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Web3;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The whole way from a builder's wallet to a contributor's: the real chain-bridge and reward-ledger services on one
/// database, broker and anvil. A builder pays the pool on chain, the bridge records the payment, the ledger splits it,
/// an epoch closes, the bridge publishes its root to the distributor, and each contributor claims exactly their share
/// on chain; <c>replay</c> agrees with all of it.
/// </summary>
public sealed class DatasetRevenuePathTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly AnvilNode _anvil = new();
    private string _database = "";
    private string _broker = "";
    private ServiceHost<CreditWriter>? _ledger;
    private ServiceHost<LogStore>? _bridge;

    private sealed record ClaimView(string Address, string Amount, long Epoch, string Root, string[] Proof);

    public async Task InitializeAsync()
    {
        await _anvil.InitializeAsync();
        _database = await PostgresServer.CreateDatabaseAsync("revenuepath");
        _broker = await RabbitServer.CreateVirtualHostAsync("revenuepath");
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = _database,
            ["ConnectionStrings:rabbitmq"] = _broker,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        _ledger = new ServiceHost<CreditWriter>(new Dictionary<string, string>(common)
        {
            ["Epochs:Genesis"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["Epochs:Length"] = "00:00:02",
        });
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
        _ = _ledger.Services;
    }

    [Fact]
    public async Task A_builders_payment_reaches_each_contributor_as_exactly_their_share_claimed_on_chain()
    {
        var chain = _bridge!.Services.GetRequiredService<ChainConnection>();
        var deployment = (await Eventually.MatchesAsync(() => Task.FromResult(chain.Deployment), d => d is not null, "the contracts deployed", Patience))!;
        var reader = new Web3(_anvil.RpcUrl);
        var token = reader.Eth.GetContract(ContractArtifacts.CommunityToken.Abi, deployment.TokenAddress);

        // Two contributors' scored contributions in a snapshot, as quality-scoring and the contributions service record them.
        var (alice, bob) = (AnvilNode.DevAddresses[5], AnvilNode.DevAddresses[6]);
        var (a, b) = (Hex.Encode(RandomNumberGenerator.GetBytes(32)), Hex.Encode(RandomNumberGenerator.GetBytes(32)));
        var root = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var store = _ledger!.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("scoring/" + a, new ContributionScored(a, Address.Parse(alice), "data", 90, "scoring-1", DateTimeOffset.UtcNow));
            session.Events.StartStream("scoring/" + b, new ContributionScored(b, Address.Parse(bob), "data", 45, "scoring-1", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("contributions/datasets/" + root, SignedFacts.Snapshot(4, root,
                [new DatasetMember(a, Hex.Encode(RandomNumberGenerator.GetBytes(32))), new DatasetMember(b, Hex.Encode(RandomNumberGenerator.GetBytes(32)))],
                DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        // The builder holds community tokens (minted by the distributor, impersonated on anvil) and pays for the snapshot.
        var builder = AnvilNode.DevAddresses[4];
        var price = BigInteger.Pow(10, 21) + 1; // 1000 tokens and a base unit: two thirds and one third of it leave one over
        await _anvil.RpcAsync("anvil_impersonateAccount", deployment.DistributorAddress);
        await _anvil.RpcAsync("anvil_setBalance", deployment.DistributorAddress, "0xDE0B6B3A7640000");
        await _anvil.RpcAsync("eth_sendTransaction", new
        {
            from = deployment.DistributorAddress, to = deployment.TokenAddress, data = token.GetFunction("mint").GetData(builder, price),
        });
        await _anvil.RpcAsync("anvil_stopImpersonatingAccount", deployment.DistributorAddress);
        using var builderKey = TransactionSender.Create(_anvil.RpcUrl, AnvilNode.DevPrivateKeys[4], AnvilNode.ChainId);
        await builderKey.SendAsync(token, "approve", [deployment.RevenuePoolAddress, price]);
        await builderKey.SendAsync(reader.Eth.GetContract(ContractArtifacts.DatasetRevenuePool.Abi, deployment.RevenuePoolAddress), "pay",
            [root.HexToByteArray(), price]);

        // The ledger credits the scores as rewards too (ScoreFollower): wait for them, so the claim roots hold still.
        await Eventually.MatchesAsync(() => CountAsync($"SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributionId' IN ('{a}', '{b}')"),
            n => n == 2, "both scores credited", Patience);
        await Eventually.MatchesAsync(() => CountAsync("SELECT count(*) FROM history.mt_events WHERE type = 'revenue_split'"), n => n == 1, "the payment split", Patience);

        var aliceShare = price * 90 / 135;
        var bobShare = price * 45 / 135;
        var treasuryShare = price - aliceShare - bobShare;
        Assert.Equal(BigInteger.One, treasuryShare); // 666…667.33 and 333…333.67 rounded down
        using var api = _ledger.CreateClient();
        using var relayer = TransactionSender.Create(_anvil.RpcUrl, AnvilNode.DevPrivateKeys[2], AnvilNode.ChainId);
        var distributor = new DistributorContract(relayer, deployment.DistributorAddress);
        foreach (var (account, share) in new[] { (alice, aliceShare), (bob, bobShare), (DevelopmentChain.Treasury, treasuryShare) })
        {
            // Exactly the share on top of whatever the policy paid for the scores themselves.
            var rewards = await RewardsAsync(account);

            // The ledger's proof against the root the distributor holds now (epochs close every two seconds; the bridge
            // publishes each). The split enters the tree of the first epoch closed after it, so an earlier root, which
            // holds the rewards alone, is waited out rather than claimed.
            var claim = await Eventually.MatchesAsync(async () =>
                {
                    var response = await api.GetAsync($"/api/claims/{account}");
                    if (response.StatusCode != HttpStatusCode.OK)
                        return null;
                    var view = await response.Content.ReadFromJsonAsync<ClaimView>();
                    var onChain = await distributor.GetClaimableRootAsync();
                    return view is not null && onChain.Root.ToHex(true) == view.Root
                        && BigInteger.Parse(view.Amount, CultureInfo.InvariantCulture) == rewards + share ? view : null;
                },
                c => c is not null, $"{account}'s claim of {rewards + share} against the distributor's root", Patience);
            var paid = await distributor.ClaimAsync(account, BigInteger.Parse(claim!.Amount, CultureInfo.InvariantCulture),
                [.. claim.Proof.Select(p => p.HexToByteArray())]);

            Assert.Equal(rewards + share, BigInteger.Parse(claim.Amount, CultureInfo.InvariantCulture));
            Assert.Equal(rewards + share, paid.Paid);
            Assert.Equal(rewards + share, await token.GetFunction("balanceOf").CallAsync<BigInteger>(account));
        }
        Assert.Equal(price, await token.GetFunction("balanceOf").CallAsync<BigInteger>(deployment.RevenuePoolAddress));
        Assert.Equal(BigInteger.Zero, await token.GetFunction("balanceOf").CallAsync<BigInteger>(builder));

        var replay = await AuditRun.RunAsync("replay", "--database", _database, "--json");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Equal(1, replay.Json.GetProperty("revenue").GetProperty("splits").GetInt32());
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, CultureInfo.InvariantCulture);
    }

    private async Task<BigInteger> RewardsAsync(string account)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum((data->>'amount')::numeric), 0)::text FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributor' = @a",
            connection);
        command.Parameters.AddWithValue("a", Address.Parse(account));
        return BigInteger.Parse((string)(await command.ExecuteScalarAsync())!, CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        if (_bridge is not null)
            await _bridge.DisposeAsync();
        if (_ledger is not null)
            await _ledger.DisposeAsync();
        await RabbitServer.DeleteVirtualHostAsync(_broker);
        await PostgresServer.DropDatabaseAsync(_database);
        await _anvil.DisposeAsync();
    }
}
