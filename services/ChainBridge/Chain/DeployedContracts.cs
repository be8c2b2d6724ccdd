namespace CommunityAI.ChainBridge.Chain;

/// <summary>The addresses of CommunityAI's contracts on one chain (what <see cref="ChainDeployer"/> deploys or finds).</summary>
/// <param name="AnchorAddress">The HistoryAnchor contract.</param>
/// <param name="TokenAddress">The CommunityToken contract.</param>
/// <param name="DistributorAddress">The RewardDistributor contract (the token's minter).</param>
/// <param name="DeploymentBlock">The first block to scan for the contracts' events (0 when unknown).</param>
/// <param name="RevenuePoolAddress">The DatasetRevenuePool builders pay into; empty when the deployment has none.</param>
public sealed record DeployedContracts(
    string AnchorAddress, string TokenAddress, string DistributorAddress, ulong DeploymentBlock = 0, string RevenuePoolAddress = "");
