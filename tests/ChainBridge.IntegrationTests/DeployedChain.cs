using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// One anvil per test class with CommunityAI's contracts deployed as the bridge deploys them:
/// the deployer owns them, the bridge account anchors and publishes roots. Tests snapshot the
/// chain before and revert it after, so each starts from this state.
/// </summary>
public sealed class DeployedChain : AnvilNode
{
    public static string DeployerKey => DevPrivateKeys[0];
    public static string BridgeKey => DevPrivateKeys[1];
    public static string OutsiderKey => DevPrivateKeys[2];
    public static string Deployer => DevAddresses[0];
    public static string Bridge => DevAddresses[1];
    public static string Outsider => DevAddresses[2];

    public DeployedContracts Contracts { get; private set; } = null!;

    public TransactionSender SenderFor(string privateKey) => TransactionSender.Create(RpcUrl, privateKey, ChainId);

    /// <summary>A Web3 without an account, for reads.</summary>
    public IWeb3 Reader => new Web3(RpcUrl);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var deployer = SenderFor(DeployerKey);
        Contracts = await ChainDeployer.DeployAsync(deployer, anchorer: Bridge, publisher: Bridge);
    }
}
