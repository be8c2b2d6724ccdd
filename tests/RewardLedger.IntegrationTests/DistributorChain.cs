using CommunityAI.ChainBridge.Chain;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// One anvil per test class with the distributor deployed as the bridge deploys it: anvil #1 publishes roots, anyone relays
/// claims. Roots are published here by hand from the ledger's served claims, as the chain-bridge would publish them.
/// </summary>
public sealed class DistributorChain : AnvilNode
{
    public static string PublisherKey => DevPrivateKeys[1];

    public DeployedContracts Contracts { get; private set; } = null!;

    public TransactionSender SenderFor(string privateKey) => TransactionSender.Create(RpcUrl, privateKey, ChainId);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var deployer = SenderFor(DevPrivateKeys[0]);
        Contracts = await ChainDeployer.DeployAsync(deployer, new ContractRoles(DevAddresses[9], DevAddresses[8], Anchorer: DevAddresses[1], Publisher: DevAddresses[1]));
    }
}
