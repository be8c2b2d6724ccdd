using CommunityAI.Contracts;
using Marten;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// Where our contracts live, kept in the history (<see cref="ContractsDeployed"/> in the stream "chain/deployment")
/// and mirrored in the <see cref="DeploymentRecord"/> read model. The restore runbook drops read models; the history
/// stays, so a restored bridge finds the same contracts instead of deploying new ones and anchoring from scratch.
/// </summary>
public sealed class DeploymentHistory(IDocumentStore store, TimeProvider clock)
{
    public const string StreamKey = "chain/deployment";

    /// <summary>The deployment known on <paramref name="chainId"/>: the read model's, else the newest one in the history; null when there is none.</summary>
    public async Task<DeployedContracts?> FindAsync(long chainId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var record = await session.LoadAsync<DeploymentRecord>(DeploymentRecord.CurrentId, ct);
        if (record is not null && record.ChainId == chainId)
            return new DeployedContracts(record.AnchorAddress, record.TokenAddress, record.DistributorAddress, record.DeploymentBlock,
                record.RevenuePoolAddress ?? "");
        var recorded = (await session.Events.FetchStreamAsync(StreamKey, token: ct))
            .Select(e => e.Data).OfType<ContractsDeployed>().LastOrDefault(d => d.ChainId == chainId);
        return recorded is null
            ? null
            : new DeployedContracts(recorded.AnchorContract, recorded.TokenContract, recorded.DistributorContract, (ulong)recorded.DeploymentBlock,
                recorded.RevenuePoolContract ?? "");
    }

    /// <summary>Stores <paramref name="deployment"/> as the current one, and records it in the history when the history does not hold it yet.</summary>
    public async Task RecordAsync(long chainId, DeployedContracts deployment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        await using var session = store.LightweightSession();
        var recorded = (await session.Events.FetchStreamAsync(StreamKey, token: ct)).Select(e => e.Data).OfType<ContractsDeployed>()
            .Any(d => d.ChainId == chainId
                && string.Equals(d.AnchorContract, deployment.AnchorAddress, StringComparison.OrdinalIgnoreCase)
                && string.Equals(d.TokenContract, deployment.TokenAddress, StringComparison.OrdinalIgnoreCase)
                && string.Equals(d.DistributorContract, deployment.DistributorAddress, StringComparison.OrdinalIgnoreCase)
                && string.Equals(d.RevenuePoolContract ?? "", deployment.RevenuePoolAddress, StringComparison.OrdinalIgnoreCase));
        if (!recorded)
            session.Events.Append(StreamKey, new ContractsDeployed(chainId, deployment.AnchorAddress, deployment.TokenAddress,
                deployment.DistributorAddress, (long)deployment.DeploymentBlock, clock.GetUtcNow(),
                deployment.RevenuePoolAddress.Length == 0 ? null : deployment.RevenuePoolAddress));
        session.Store(new DeploymentRecord(DeploymentRecord.CurrentId, chainId, deployment.AnchorAddress,
            deployment.TokenAddress, deployment.DistributorAddress, deployment.DeploymentBlock,
            deployment.RevenuePoolAddress.Length == 0 ? null : deployment.RevenuePoolAddress));
        await session.SaveChangesAsync(ct);
    }
}
