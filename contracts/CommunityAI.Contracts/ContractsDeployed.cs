namespace CommunityAI.Contracts;

/// <summary>
/// The chain-bridge deployed CommunityAI's contracts (or first found them at configured addresses) on a chain. Kept in
/// the history, not only in a read model, so a restore that drops the read models finds the same contracts again and
/// neither deploys new ones nor anchors from scratch. Recorded in the history by the chain-bridge service.
/// </summary>
/// <param name="ChainId">Chain the contracts live on.</param>
/// <param name="AnchorContract">Address of the HistoryAnchor contract.</param>
/// <param name="TokenContract">Address of the CommunityToken contract.</param>
/// <param name="DistributorContract">Address of the RewardDistributor contract.</param>
/// <param name="DeploymentBlock">Block of the first deployment transaction; event scans start there.</param>
/// <param name="RecordedAt">When the chain-bridge recorded the deployment.</param>
/// <param name="RevenuePoolContract">Address of the DatasetRevenuePool builders pay into; null when the deployment has none. Optional: deployments made before the pool existed have none.</param>
public sealed record ContractsDeployed(
    long ChainId,
    string AnchorContract,
    string TokenContract,
    string DistributorContract,
    long DeploymentBlock,
    DateTimeOffset RecordedAt,
    string? RevenuePoolContract = null);
