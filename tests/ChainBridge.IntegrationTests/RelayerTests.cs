using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.ChainBridge.Apis;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats.Claims;
using CommunityAI.Testing;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// The gasless-claim relayer on the real bridge and anvil: an account holding no ether gets its claim minted to it,
/// paid by the relayer's own key; the relayer refuses, sending nothing, a claim that is already paid, one that would
/// revert (wrong amount or proof), one past the account's daily quota, malformed or oversized requests, and it is off
/// without a key of its own.
/// </summary>
public sealed class RelayerTests(BridgeBackends backends) : IClassFixture<BridgeBackends>
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);
    private static readonly string RelayerKey = AnvilNode.DevPrivateKeys[6];
    private static readonly string RelayerAccount = AnvilNode.DevAddresses[6];
    private const string Filler = "0x000000000000000000000000000000000000dEaD";

    [Fact]
    public async Task A_claim_is_minted_to_an_account_without_ether_and_paid_for_by_the_relayer_once()
    {
        await using var host = Host();
        var (client, chain) = await StartAsync(host);
        var account = NewAccount();
        var tree = await PublishAsync(host, chain, (account, 5 * Token));
        var relayerBalance = await Web3.Eth.GetBalance.SendRequestAsync(RelayerAccount);

        using var relayed = await client.PostAsJsonAsync("/api/relay/claims", Request(tree, account));
        var nonce = await NonceAsync();
        using var again = await client.PostAsJsonAsync("/api/relay/claims", Request(tree, account));

        Assert.Equal(HttpStatusCode.OK, relayed.StatusCode);
        var body = (await relayed.Content.ReadFromJsonAsync<RelayApi.ClaimRelayed>())!;
        Assert.Equal((5 * Token).ToString(), body.Paid);
        Assert.Equal(5 * Token, await BalanceOfAsync(chain.TokenContract, account));
        Assert.Equal(BigInteger.Zero, (await Web3.Eth.GetBalance.SendRequestAsync(account)).Value);
        Assert.True((await Web3.Eth.GetBalance.SendRequestAsync(RelayerAccount)).Value < relayerBalance.Value, "the relayer paid the gas");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(nonce, await NonceAsync());
    }

    [Fact]
    public async Task A_claim_that_would_revert_is_refused_naming_the_error_and_sends_nothing()
    {
        await using var host = Host();
        var (client, chain) = await StartAsync(host);
        var account = NewAccount();
        var tree = await PublishAsync(host, chain, (account, 7 * Token));
        var nonce = await NonceAsync();

        var inflated = Request(tree, account) with { CumulativeAmount = (7 * Token + 1).ToString() };
        var foreignProof = Request(tree, account) with { Proof = [.. tree.GetProof(account).Select(_ => "0x" + new string('1', 64))] };
        using var a = await client.PostAsJsonAsync("/api/relay/claims", inflated);
        using var b = await client.PostAsJsonAsync("/api/relay/claims", foreignProof);

        foreach (var response in new[] { a, b })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains("InvalidProof", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(nonce, await NonceAsync());
        Assert.Equal(BigInteger.Zero, await BalanceOfAsync(chain.TokenContract, account));
    }

    [Fact]
    public async Task An_account_gets_its_daily_quota_of_relays_and_then_a_429_with_nothing_sent()
    {
        await using var host = Host();
        var (client, chain) = await StartAsync(host);
        var account = NewAccount();
        var statuses = new List<HttpStatusCode>();
        for (int round = 1; round <= 3; round++)
        {
            var tree = await PublishAsync(host, chain, (account, round * Token));
            var nonce = await NonceAsync();
            using var response = await client.PostAsJsonAsync("/api/relay/claims", Request(tree, account));
            statuses.Add(response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK)
                Assert.Equal(nonce, await NonceAsync());
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2 * Token, await BalanceOfAsync(chain.TokenContract, account));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { """{"account":"0x12","cumulativeAmount":"1","proof":[]}""", "account" },
        { """{"account":"0x000000000000000000000000000000000000dEaD","cumulativeAmount":"-1","proof":[]}""", "cumulativeAmount" },
        { """{"account":"0x000000000000000000000000000000000000dEaD","cumulativeAmount":"1e18","proof":[]}""", "cumulativeAmount" },
        { """{"account":"0x000000000000000000000000000000000000dEaD","cumulativeAmount":"0","proof":[]}""", "cumulativeAmount" },
        { """{"account":"0x000000000000000000000000000000000000dEaD","cumulativeAmount":"1","proof":["0x12"]}""", "proof" },
        { """{"account":"0x000000000000000000000000000000000000dEaD","cumulativeAmount":"1"}""", "proof" },
        { """{"account":"0x000000000000000000000000000000000000dEaD","cumulativeAmount":"1","proof":[""" + string.Join(',', Enumerable.Repeat("\"0x" + new string('a', 64) + "\"", 65)) + "]}", "proof" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_requests_are_answered_400_naming_the_field(string json, string field)
    {
        await using var host = Host();
        var (client, _) = await StartAsync(host);
        var nonce = await NonceAsync();

        using var response = await client.PostAsync("/api/relay/claims", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(nonce, await NonceAsync());
    }

    [Fact]
    public async Task An_oversized_body_is_413_and_without_a_key_of_its_own_the_relayer_is_off()
    {
        await using var host = Host();
        var (client, _) = await StartAsync(host);
        using var huge = await client.PostAsync("/api/relay/claims",
            new StringContent(new string(' ', (int)RelayApi.MaxBodyBytes + 1), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        var valid = new RelayApi.ClaimRelayRequest(NewAccount(), "1", []);
        await using (var keyless = new ChainBridgeHost(backends.Settings(("Chain:AnchorerKey", AnvilNode.DevPrivateKeys[0]))))
        {
            var (keylessClient, _) = await StartAsync(keyless);
            using var off = await keylessClient.PostAsJsonAsync("/api/relay/claims", valid);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, off.StatusCode);
            Assert.Contains("Relayer:Key", await off.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await using var hot = new ChainBridgeHost(backends.Settings(("Chain:AnchorerKey", AnvilNode.DevPrivateKeys[0]), ("Relayer:Key", AnvilNode.DevPrivateKeys[0])));
        var (hotClient, _) = await StartAsync(hot);
        using var refused = await hotClient.PostAsJsonAsync("/api/relay/claims", valid);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("anchoring key", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private ChainBridgeHost Host() => new(backends.Settings(
        ("Chain:AnchorerKey", AnvilNode.DevPrivateKeys[0]), ("Relayer:Key", RelayerKey), ("Relayer:PerAccountPerDay", "2")));

    private Web3 Web3 => new(backends.Anvil.RpcUrl);

    private static async Task<(HttpClient Client, ChainApi.ChainResponse Chain)> StartAsync(ChainBridgeHost host)
    {
        var client = host.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync("/api/chain");
            if (response.StatusCode == HttpStatusCode.OK)
                return (client, (await response.Content.ReadFromJsonAsync<ChainApi.ChainResponse>())!);
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the bridge did not find or deploy its contracts");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Publishes the next epoch's root with <paramref name="claims"/>, plus a filler leaf keeping the cumulative total
    /// above the last one (the contract refuses a decreasing total), through the bridge's own sending account.
    /// </summary>
    private static async Task<ClaimTree> PublishAsync(ChainBridgeHost host, ChainApi.ChainResponse chain, params (string Account, BigInteger Amount)[] claims)
    {
        var distributor = new DistributorContract(host.Chain.Sender, chain.DistributorContract);
        var latest = await distributor.GetLatestRootAsync();
        var filler = await distributor.GetLatestCumulativeTotalAsync() + 1;
        var tree = ClaimTree.Build([.. claims, (Filler, filler)]);
        await distributor.PublishRootAsync(latest.Epoch + 1, tree.Root.HexToByteArray(), tree.Total);
        return tree;
    }

    private static RelayApi.ClaimRelayRequest Request(ClaimTree tree, string account) =>
        new(account, tree.GetAmount(account).ToString(), [.. tree.GetProof(account)]);

    private async Task<BigInteger> NonceAsync() => (await Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(RelayerAccount)).Value;

    private async Task<BigInteger> BalanceOfAsync(string token, string account) =>
        await Web3.Eth.GetContract(ContractArtifacts.CommunityToken.Abi, token).GetFunction("balanceOf").CallAsync<BigInteger>(account);

    private static string NewAccount() => EthECKey.GenerateKey().GetPublicAddress();
}
