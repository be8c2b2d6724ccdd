using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// One anvil per test class with CommunityAI's contracts deployed as the bridge deploys them on the
/// development chain: a deployer account that keeps no role, the admin (anvil #9) and the guardian
/// (anvil #8) as separate keys, and the bridge's hot key as anchorer and publisher only. Tests snapshot
/// the chain before and revert it after, so each starts from this state.
/// </summary>
public sealed class DeployedChain : AnvilNode
{
    public static string DeployerKey => DevPrivateKeys[0];
    public static string BridgeKey => DevPrivateKeys[1];
    public static string OutsiderKey => DevPrivateKeys[2];
    public static string Deployer => DevAddresses[0];
    public static string Bridge => DevAddresses[1];
    public static string Outsider => DevAddresses[2];
    public static string GuardianKey => DevPrivateKeys[8];
    public static string AdminKey => DevPrivateKeys[9];
    public static string Guardian => DevAddresses[8];
    public static string Admin => DevAddresses[9];

    public static ContractRoles Roles => new(Admin, Guardian, Anchorer: Bridge, Publisher: Bridge);

    public DeployedContracts Contracts { get; private set; } = null!;

    public TransactionSender SenderFor(string privateKey) => TransactionSender.Create(RpcUrl, privateKey, ChainId);

    /// <summary>A Web3 without an account, for reads.</summary>
    public IWeb3 Reader => new Web3(RpcUrl);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var deployer = SenderFor(DeployerKey);
        Contracts = await ChainDeployer.DeployAsync(deployer, Roles);
    }
}
