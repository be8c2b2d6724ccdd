using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
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
/// The validators' share of a dataset payment, the whole way: a genesis reward policy giving validators a fifth of each
/// payment, two contributions scored by quality-scoring's own decision over signed reviews, a snapshot of both, a
/// builder's payment on anvil, the real chain-bridge and reward-ledger. The reviewers receive exactly their part by
/// review weight, the contributor the rest, a reviewer claims its part on chain, and <c>replay</c> agrees, then names a
/// validator line edited or taken out.
/// </summary>
public sealed class DatasetValidatorSharePathTests : IAsyncLifetime
{
    private const int ValidatorShare = 2_000;
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
        _database = await PostgresServer.CreateDatabaseAsync("valshare");
        _broker = await RabbitServer.CreateVirtualHostAsync("valshare");
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
            ["Rewards:Genesis:DatasetValidatorShareBasisPoints"] = ValidatorShare.ToString(CultureInfo.InvariantCulture),
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
    public async Task A_payment_gives_the_reviewers_their_share_by_review_weight_the_contributor_the_rest_and_replay_names_a_forged_share()
    {
        var chain = _bridge!.Services.GetRequiredService<ChainConnection>();
        var deployment = (await Eventually.MatchesAsync(() => Task.FromResult(chain.Deployment), d => d is not null, "the contracts deployed", Patience))!;
        var reader = new Web3(_anvil.RpcUrl);
        var token = reader.Eth.GetContract(ContractArtifacts.CommunityToken.Abi, deployment.TokenAddress);

        // Two cases decided by quality-scoring's own rules over signed reviews: one reviewer clipped in the first, none in the second.
        string accepted, rejected;
        await using (var history = new ScoringHistory(_database))
        {
            await history.PublishPolicyAsync();
            accepted = await history.ScoreAsync(72, [(3, 0.5m), (5, 0.8m), (6, 0.3m)], [(3, 80, "accept"), (5, 75, "accept"), (6, 20, "reject")]);
            rejected = await history.ScoreAsync(60, [(5, 0.6m), (6, 0.4m), (7, 0.9m)], [(5, 30, "reject"), (6, 35, "reject"), (7, 40, "accept")]);
        }
        var root = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var store = _ledger!.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("contributions/datasets/" + root, SignedFacts.Snapshot(4, root,
                [new DatasetMember(accepted, Hex.Encode(RandomNumberGenerator.GetBytes(32))), new DatasetMember(rejected, Hex.Encode(RandomNumberGenerator.GetBytes(32)))],
                DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        // The builder pays on chain.
        var builder = AnvilNode.DevAddresses[4];
        var price = BigInteger.Pow(10, 21) + 7;
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

        await Eventually.MatchesAsync(() => CountAsync($"SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributionId' IN ('{accepted}', '{rejected}')"),
            n => n == 2, "both scores credited", Patience);
        var splitJson = await Eventually.MatchesAsync(() => TextAsync("SELECT data::text FROM history.mt_events WHERE type = 'revenue_split'"),
            t => t is not null, "the payment split", Patience);
        var split = JsonSerializer.Deserialize<RevenueSplit>(splitJson!, JsonSerializerOptions.Web)!;

        // The expected split, worked out here from the two recorded scores: a review weighs floor(reputation · agreement · 10^6)
        // unless clipped; the pool is a fifth of the price; the one contributor takes the rest; rounding goes to the treasury.
        var scores = new List<ContributionScored>();
        foreach (var id in new[] { accepted, rejected })
            scores.Add(JsonSerializer.Deserialize<ContributionScored>((await TextAsync($"SELECT data::text FROM history.mt_events WHERE type = 'contribution_scored' AND stream_id = 'scoring/{id}'"))!,
                JsonSerializerOptions.Web)!);
        var weights = scores.SelectMany(s => s.Reviews!).Where(r => !r.Clipped)
            .GroupBy(r => Address.Parse(r.Validator))
            .ToDictionary(g => g.Key, g => g.Sum(r => (long)decimal.Floor(r.Reputation * (r.Agreement ?? 1m) * 1_000_000m)));
        Assert.Contains(scores.SelectMany(s => s.Reviews!), r => r.Clipped); // the clipped reviewer earns nothing for that review
        var weightTotal = weights.Values.Sum();
        var pool = price * ValidatorShare / 10_000;
        var expected = new List<(string, string, string)> { (AnvilNode.DevAddresses[0], "contributor", (price - pool).ToString(CultureInfo.InvariantCulture)) };
        expected.AddRange(weights.Where(w => w.Value > 0).OrderBy(w => w.Key, StringComparer.Ordinal)
            .Select(w => (w.Key, "validator", (pool * w.Value / weightTotal).ToString(CultureInfo.InvariantCulture))));
        var left = price - expected.Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.Item3, CultureInfo.InvariantCulture));
        if (left > 0)
            expected.Add((DevelopmentChain.Treasury, "treasury", left.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(expected, split.Lines.Select(l => (l.Address, l.Role, l.Amount)));
        Assert.Equal((pool.ToString(CultureInfo.InvariantCulture), weightTotal, "reward-1"), (split.ValidatorPool, split.ValidatorWeight, split.PolicyVersion));
        Assert.Equal(price, split.Lines.Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.Amount, CultureInfo.InvariantCulture)));

        // A reviewer claims its part on chain: the genesis policy pays no per-case validator pay, so its claim is its share alone.
        // (Account 7, a reviewer too, is the development treasury: its two lines are one account, as the splitter keeps them.)
        var reviewer = AnvilNode.DevAddresses[5];
        var reviewerShare = BigInteger.Parse(split.Lines.Single(l => l.Address == reviewer).Amount, CultureInfo.InvariantCulture);
        using var api = _ledger.CreateClient();
        using var relayer = TransactionSender.Create(_anvil.RpcUrl, AnvilNode.DevPrivateKeys[2], AnvilNode.ChainId);
        var distributor = new DistributorContract(relayer, deployment.DistributorAddress);
        var claim = await Eventually.MatchesAsync(async () =>
            {
                var response = await api.GetAsync($"/api/claims/{reviewer}");
                if (response.StatusCode != HttpStatusCode.OK)
                    return null;
                var view = await response.Content.ReadFromJsonAsync<ClaimView>();
                var onChain = await distributor.GetClaimableRootAsync();
                return view is not null && onChain.Root.ToHex(true) == view.Root ? view : null;
            },
            c => c is not null, $"{reviewer}'s claim against the distributor's root", Patience);
        var paid = await distributor.ClaimAsync(reviewer, BigInteger.Parse(claim!.Amount, CultureInfo.InvariantCulture), [.. claim.Proof.Select(p => p.HexToByteArray())]);
        Assert.Equal(reviewerShare, paid.Paid);
        Assert.Equal(reviewerShare, await token.GetFunction("balanceOf").CallAsync<BigInteger>(reviewer));

        var honest = await AuditRun.RunAsync("replay", "--database", _database, "--json");
        Assert.True(honest.ExitCode == 0, honest.ToString());
        var revenue = honest.Json.GetProperty("revenue");
        Assert.Equal(1, revenue.GetProperty("splits").GetInt32());
        var toValidators = expected.Where(l => l.Item2 == "validator").Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.Item3, CultureInfo.InvariantCulture));
        Assert.Equal((price - pool).ToString(CultureInfo.InvariantCulture), revenue.GetProperty("toContributors").ToString());
        Assert.Equal(toValidators.ToString(CultureInfo.InvariantCulture), revenue.GetProperty("toValidators").ToString());
        Assert.True(pool - toValidators < weights.Count, "rounding leaves less than a unit per reviewer");

        // One base unit moved from a validator's line to the contributor's: the sums still add up, the split does not.
        await _ledger.DisposeAsync();
        _ledger = null;
        await ExecuteAsync("""
            UPDATE history.mt_events SET data = jsonb_set(jsonb_set(data,
                '{lines,0,amount}', to_jsonb(((data->'lines'->0->>'amount')::numeric + 1)::text)),
                '{lines,1,amount}', to_jsonb(((data->'lines'->1->>'amount')::numeric - 1)::text))
            WHERE type = 'revenue_split'
            """);
        var edited = await AuditRun.RunAsync("replay", "--database", _database, "--json");
        Assert.NotEqual(0, edited.ExitCode);
        Assert.Contains(edited.Json.GetProperty("revenue").GetProperty("findings").EnumerateArray(), f => f.GetProperty("what").GetString() == "revenue lines");

        // The validators' share left out altogether, the contributor given the whole amount as before the policy: named too.
        await ExecuteAsync($$"""
            UPDATE history.mt_events SET data = (data - 'validatorPool' - 'validatorWeight' - 'policyVersion')
                || jsonb_build_object('lines', jsonb_build_array(jsonb_build_object('address', '{{AnvilNode.DevAddresses[0]}}', 'role', 'contributor',
                   'weight', (data->'lines'->0->>'weight')::bigint, 'amount', '{{price}}')))
            WHERE type = 'revenue_split'
            """);
        var missing = await AuditRun.RunAsync("replay", "--database", _database, "--json");
        Assert.NotEqual(0, missing.ExitCode);
        var findings = missing.Json.GetProperty("revenue").GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("what").GetString()).ToList();
        Assert.Contains("revenue validatorPool", findings);
        Assert.Contains("revenue lines", findings);
    }

    private async Task<long> CountAsync(string sql) => Convert.ToInt64(await ScalarAsync(sql) ?? 0L, CultureInfo.InvariantCulture);

    private async Task<string?> TextAsync(string sql) => await ScalarAsync(sql) as string;

    private async Task ExecuteAsync(string sql) => Assert.Equal(1L, Convert.ToInt64(await ScalarAsync(sql + " RETURNING 1"), CultureInfo.InvariantCulture));

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
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
