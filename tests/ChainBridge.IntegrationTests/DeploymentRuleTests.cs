using System.Net;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Npgsql;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// Outside development a deployment the bridge does not know (a new database pointed at a chain where its key already
/// sent transactions) never leads to new contracts: the bridge refuses, stops anchoring and reports unhealthy, and
/// configured addresses bring it back. Before, it deployed fresh contracts with its hot key as their admin. (A restore
/// that drops only the read models finds the deployment in the history: ForeignHistoryTests.)
/// </summary>
public sealed class DeploymentRuleTests(PublicNetworkBackends backends) : IClassFixture<PublicNetworkBackends>
{
    private static readonly string HotKey = AnvilNode.DevAddresses[1];

    [Fact]
    public async Task A_deleted_deployment_record_on_a_public_network_is_refused_reported_unhealthy_and_nothing_is_deployed()
    {
        var deploy = backends.Settings(("Chain:Deploy", "true"), ("Chain:AdminAddress", AnvilNode.DevAddresses[9]),
            ("Chain:GuardianAddress", AnvilNode.DevAddresses[8]));

        // Told to deploy, with a key that never sent a transaction: the bridge deploys once, with the admin configured.
        DeployedContracts first;
        await using (var host = new ChainBridgeHost(deploy))
        {
            first = (await Eventually.MatchesAsync(() => Task.FromResult(host.Chain.Deployment), d => d is not null, "the first deployment"))!;
            Assert.True(await ChainDeployer.HasRoleAsync(host.Chain.Sender.Web3, ContractArtifacts.HistoryAnchor, first.AnchorAddress,
                ChainDeployer.AdminRole, AnvilNode.DevAddresses[9]));
            Assert.False(await ChainDeployer.HasRoleAsync(host.Chain.Sender.Web3, ContractArtifacts.HistoryAnchor, first.AnchorAddress,
                ChainDeployer.AdminRole, HotKey));
        }
        var sentBefore = await NonceAsync();

        // A database that never knew the deployment: neither the read model nor the history holds it.
        await using (var connection = new NpgsqlConnection(backends.History))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand("DELETE FROM chainbridge_docs.mt_doc_deploymentrecord", connection);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
            await using var forget = new NpgsqlCommand(
                "DELETE FROM history.mt_events WHERE stream_id = 'chain/deployment'; DELETE FROM history.mt_streams WHERE id = 'chain/deployment'", connection);
            await forget.ExecuteNonQueryAsync();
        }
        await using (var host = new ChainBridgeHost(deploy))
        {
            using var client = host.CreateClient();
            var health = await Eventually.MatchesAsync(() => client.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
                "readiness to report the refusal");
            var body = await health.Content.ReadAsStringAsync();
            Assert.Contains("Unhealthy", body, StringComparison.Ordinal);
            Assert.Contains("may exist on chain", host.Chain.DeploymentRefused, StringComparison.Ordinal);
            Assert.Null(host.Chain.Deployment);
            Assert.Contains("may exist on chain", host.Logs.AllText, StringComparison.Ordinal);
        }
        Assert.Equal(sentBefore, await NonceAsync());

        // Without Chain:Deploy there is nothing to decide: no addresses, no anchoring.
        await using (var host = new ChainBridgeHost(backends.Settings()))
        {
            using var client = host.CreateClient();
            await Eventually.MatchesAsync(() => client.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, "unhealthy");
            Assert.Contains("deploys only on the development chain", host.Chain.DeploymentRefused, StringComparison.Ordinal);
        }
        Assert.Equal(sentBefore, await NonceAsync());

        // The operator configures the published addresses: the same contracts are found again.
        await using (var host = new ChainBridgeHost(backends.Settings(("Chain:AnchorContract", first.AnchorAddress),
            ("Chain:TokenContract", first.TokenAddress), ("Chain:DistributorContract", first.DistributorAddress))))
        {
            var found = await Eventually.MatchesAsync(() => Task.FromResult(host.Chain.Deployment), d => d is not null, "the configured deployment");
            Assert.Equal(first.AnchorAddress, found!.AnchorAddress);
            Assert.Null(host.Chain.DeploymentRefused);
        }
        Assert.Equal(sentBefore, await NonceAsync());
    }

    private async Task<ulong> NonceAsync() =>
        (ulong)(await new Web3(backends.Anvil.RpcUrl).Eth.Transactions.GetTransactionCount.SendRequestAsync(HotKey, BlockParameter.CreateLatest())).Value;
}
