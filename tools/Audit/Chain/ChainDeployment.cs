namespace CommunityAI.Audit.Chain;

/// <summary>
/// The contracts a command reads and how: always the anchor; the distributor, token and deployment block when a
/// network file (or an option) names them. A missing deployment block is found on chain
/// (<see cref="DeploymentBlockFinder"/>) or, for <c>verify</c>, taken from the history's ContractsDeployed.
/// </summary>
/// <param name="PageSize">Blocks per <c>eth_getLogs</c> query.</param>
internal sealed record ChainDeployment(string Rpc, string Anchor, string? Distributor, string? Token, ulong? DeploymentBlock,
    ulong PageSize = ChainLogScan.DefaultPageSize);
