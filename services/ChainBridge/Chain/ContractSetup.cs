using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// Finds or deploys our contracts once per process, before anything that needs them: anchoring, claim roots and the
/// chain API each ask here, so none depends on another having run first. Replicas starting together on a fresh chain
/// take one advisory lock, so only the first can deploy; the others find what it recorded in the history.
/// The rules for what may be found or deployed are <see cref="ContractLocator"/>'s.
/// </summary>
public sealed partial class ContractSetup(
    ChainConnection chain,
    DeploymentHistory deployments,
    NpgsqlDataSource dataSource,
    IOptions<ChainOptions> options,
    ILogger<ContractSetup> logger)
{
    private const string LockName = "chain:deployment";
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The contracts to use, found or deployed on the first call; later calls answer at once.</summary>
    /// <exception cref="DeploymentRefusedException">Nothing may be found or deployed (also shown by readiness).</exception>
    public async Task<DeployedContracts> EnsureAsync(CancellationToken ct)
    {
        if (chain.Deployment is { } known)
            return known;
        await _gate.WaitAsync(ct);
        try
        {
            if (chain.Deployment is { } found)
                return found;
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await AdvisoryLock.TakeAsync(connection, [LockName], ct);
            var deployment = await FindOrDeployAsync(ct);
            await transaction.CommitAsync(ct);
            chain.Deployment = deployment;
            return deployment;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<DeployedContracts> FindOrDeployAsync(CancellationToken ct)
    {
        var configured = options.Value;
        // The history keeps the deployment, so a restore that dropped the read models finds the same contracts.
        var known = configured.AnchorContract is { Length: > 0 } a
            ? new DeployedContracts(a, configured.TokenContract ?? "", configured.DistributorContract ?? "", 0, configured.RevenuePoolContract ?? "")
            : await deployments.FindAsync(chain.ChainId, ct);
        var deployment = await ContractLocator.FindOrDeployAsync(chain, configured, known, ct);
        await deployments.RecordAsync(chain.ChainId, deployment, ct);
        LogContracts(deployment.AnchorAddress, deployment.DistributorAddress);
        return deployment;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Using HistoryAnchor at {Anchor} and RewardDistributor at {Distributor}")]
    private partial void LogContracts(string anchor, string distributor);
}
