using System.Net;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// Outside development the bridge refuses to run on contracts whose admin is its own hot key, even when the operator
/// configures their addresses: whoever steals that key could grant itself the minter role. It reports unhealthy, says why,
/// and sends nothing until the admin role has moved to a cold key.
/// </summary>
public sealed class HotKeyAdminTests(PublicNetworkBackends backends) : IClassFixture<PublicNetworkBackends>
{
    private static readonly string HotKey = AnvilNode.DevAddresses[1];

    [Fact]
    public async Task Configured_contracts_whose_admin_is_the_hot_key_are_refused_and_nothing_is_sent()
    {
        // Someone else deploys contracts on the public network with the bridge's hot key as their admin.
        DeployedContracts deployed;
        using (var other = TransactionSender.Create(backends.Anvil.RpcUrl, AnvilNode.DevPrivateKeys[7], PublicNetworkBackends.ChainId))
            deployed = await ChainDeployer.DeployAsync(other, new ContractRoles(HotKey, AnvilNode.DevAddresses[8], HotKey, HotKey));
        Assert.True(await ChainDeployer.HasRoleAsync(new Web3(backends.Anvil.RpcUrl), ContractArtifacts.HistoryAnchor, deployed.AnchorAddress,
            ChainDeployer.AdminRole, HotKey));
        var sentBefore = await NonceAsync();

        await using var host = new ChainBridgeHost(backends.Settings(("Chain:AnchorContract", deployed.AnchorAddress),
            ("Chain:TokenContract", deployed.TokenAddress), ("Chain:DistributorContract", deployed.DistributorAddress)));
        using var client = host.CreateClient();
        await Eventually.MatchesAsync(() => client.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, "readiness to report the refusal");
        Assert.Contains("holds DEFAULT_ADMIN_ROLE", host.Chain.DeploymentRefused, StringComparison.Ordinal);
        Assert.Null(host.Chain.Deployment);
        Assert.Contains("holds DEFAULT_ADMIN_ROLE", host.Logs.AllText, StringComparison.Ordinal);
        Assert.Equal(sentBefore, await NonceAsync());
    }

    private async Task<ulong> NonceAsync() =>
        (ulong)(await new Web3(backends.Anvil.RpcUrl).Eth.Transactions.GetTransactionCount.SendRequestAsync(HotKey, BlockParameter.CreateLatest())).Value;
}
