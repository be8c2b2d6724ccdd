using System.Numerics;
using System.Security.Cryptography;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

public sealed class RevenuePoolTests(RevenueBridge bridge) : IClassFixture<RevenueBridge>
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_development_deployment_has_a_pool_taking_the_community_token_with_the_development_treasury()
    {
        var pool = bridge.Reader.Eth.GetContract(ContractArtifacts.DatasetRevenuePool.Abi, bridge.Deployment.RevenuePoolAddress);

        Assert.Equal(bridge.Deployment.TokenAddress, await pool.GetFunction("token").CallAsync<string>(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(DevelopmentChain.Treasury, await pool.GetFunction("treasury").CallAsync<string>(), StringComparer.OrdinalIgnoreCase);
        // Builders learn where to pay from the chain API.
        using var api = bridge.Host.CreateClient();
        var chain = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(api, "/api/chain");
        Assert.Equal(bridge.Deployment.RevenuePoolAddress, chain.GetProperty("revenuePoolContract").GetString());
    }

    [Fact]
    public async Task A_payment_is_recorded_once_as_DatasetPaid_after_its_confirmations_and_a_rescan_records_nothing_again()
    {
        var builderKey = AnvilNode.DevPrivateKeys[3];
        var builder = AnvilNode.DevAddresses[3];
        await bridge.MintAsync(builder, 10 * Token);
        var root = RandomNumberGenerator.GetBytes(32);
        var rootHex = "0x" + Convert.ToHexStringLower(root);
        using var sender = bridge.SenderFor(builderKey);
        var before = await bridge.BalanceAsync(bridge.Deployment.RevenuePoolAddress);

        var paid = await bridge.PayAsync(sender, root, 3 * Token + 7);

        Assert.Equal(before + 3 * Token + 7, await bridge.BalanceAsync(bridge.Deployment.RevenuePoolAddress));
        // Not yet confirmed: the watcher has read past the blocks before it, but not this one.
        await Eventually.MatchesAsync(bridge.ScannedUpToAsync, b => b >= (long)paid.BlockNumber - RevenueBridge.Confirmations, "the watcher to catch up", Patience);
        Assert.Empty(await bridge.PaymentsForAsync(rootHex));

        await bridge.Anvil.MineAsync(RevenueBridge.Confirmations);
        var recorded = await Eventually.MatchesAsync(() => bridge.PaymentsForAsync(rootHex), p => p.Count > 0, "the payment recorded", Patience);
        var (stream, amount, payer, treasury) = Assert.Single(recorded);
        Assert.StartsWith($"chain/revenue/{paid.TransactionHash.ToLowerInvariant()}:", stream, StringComparison.Ordinal);
        Assert.Equal((3 * Token + 7).ToString(), amount);
        Assert.Equal(builder, payer, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(DevelopmentChain.Treasury, treasury);

        // A new leader without the saved block reads everything again: the history refuses the payment a second time.
        await bridge.ForgetScansAsync();
        await Eventually.MatchesAsync(bridge.ScannedUpToAsync, b => b >= (long)paid.BlockNumber, "the rescan", Patience);
        Assert.Single(await bridge.PaymentsForAsync(rootHex));
    }

    [Fact]
    public async Task A_payment_a_reorg_takes_back_before_its_confirmations_is_never_recorded()
    {
        var builder = AnvilNode.DevAddresses[4];
        await bridge.MintAsync(builder, 5 * Token);
        var root = RandomNumberGenerator.GetBytes(32);
        using var sender = bridge.SenderFor(AnvilNode.DevPrivateKeys[4]);

        var paid = await bridge.PayAsync(sender, root, 2 * Token);
        await bridge.Anvil.ReorgAsync(1); // the paying block is replaced by an empty one
        await bridge.Anvil.MineAsync(RevenueBridge.Confirmations + 2);

        await Eventually.MatchesAsync(bridge.ScannedUpToAsync, b => b >= (long)paid.BlockNumber + 1, "the watcher past the reorged block", Patience);
        Assert.Empty(await bridge.PaymentsForAsync("0x" + Convert.ToHexStringLower(root)));
        Assert.Equal(5 * Token, await bridge.BalanceAsync(builder));
    }

    [Fact]
    public async Task The_pool_refuses_a_zero_root_a_zero_amount_an_amount_above_uint128_and_an_unapproved_payment_and_takes_nothing()
    {
        var builder = AnvilNode.DevAddresses[5];
        await bridge.MintAsync(builder, 5 * Token);
        using var sender = bridge.SenderFor(AnvilNode.DevPrivateKeys[5]);
        var poolBefore = await bridge.BalanceAsync(bridge.Deployment.RevenuePoolAddress);
        var pool = bridge.Reader.Eth.GetContract(ContractArtifacts.DatasetRevenuePool.Abi, bridge.Deployment.RevenuePoolAddress);
        var root = RandomNumberGenerator.GetBytes(32);

        var zeroRoot = await Assert.ThrowsAsync<ContractRevertedException>(() => bridge.PayAsync(sender, new byte[32], Token));
        var zeroAmount = await Assert.ThrowsAsync<ContractRevertedException>(() => bridge.PayAsync(sender, root, 0));
        var tooLarge = await Assert.ThrowsAsync<ContractRevertedException>(() => bridge.PayAsync(sender, root, BigInteger.Pow(2, 128)));
        var unapproved = await Assert.ThrowsAsync<ContractRevertedException>(() => bridge.PayAsync(sender, root, Token, approve: Token - 1));
        var unfunded = await Assert.ThrowsAsync<ContractRevertedException>(() => bridge.PayAsync(sender, root, 6 * Token));

        Assert.Equal("ZeroRoot", zeroRoot.ErrorName);
        Assert.Equal("ZeroAmount", zeroAmount.ErrorName);
        Assert.Equal("AmountTooLarge", tooLarge.ErrorName);
        Assert.Equal("ERC20InsufficientAllowance", unapproved.ErrorName);
        Assert.Equal("ERC20InsufficientBalance", unfunded.ErrorName);
        Assert.Equal(5 * Token, await bridge.BalanceAsync(builder));
        Assert.Equal(poolBefore, await bridge.BalanceAsync(bridge.Deployment.RevenuePoolAddress));
        var events = await pool.GetEvent("DatasetPaid").GetAllChangesDefaultAsync(
            pool.GetEvent("DatasetPaid").CreateFilterInput(new Nethereum.RPC.Eth.DTOs.BlockParameter(0), Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest()));
        Assert.DoesNotContain(events, e => e.Log.Topics.Length > 1 && string.Equals(e.Log.Topics[1]?.ToString(), "0x" + Convert.ToHexStringLower(root), StringComparison.OrdinalIgnoreCase));
    }
}
