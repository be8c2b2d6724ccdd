using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// Readiness includes the chain: the node answers, our contracts were found or deployed, and anchoring is not in
/// an outage. A chain that is away only degrades the bridge: the log and its API keep serving, and anchoring
/// catches up once the node is back, so the instance stays in rotation. The node is asked through <see cref="ChainHead"/>:
/// on the replica leading anchoring a probe costs no request (the scheduler read the block within <c>Chain:HeadPoll</c>),
/// elsewhere at most one a poll, and a node gone away is seen within a poll.
/// </summary>
public sealed class ChainHealthCheck(ChainConnection chain, ChainHead head, LeaderLoop<AnchorScheduler> anchoring, AnchoringHalt halt) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Unlike an outage this does not pass by itself: the log holds another history than the one anchored.
        if (halt.Reason is { } reason)
            return HealthCheckResult.Unhealthy($"anchoring halted: {reason}");
        if (chain.DeploymentRefused is { } refused)
            return HealthCheckResult.Unhealthy($"anchoring stopped: {refused}");
        if (anchoring.Status.Current is { State: LeaderLoopState.Failing } outage)
            return HealthCheckResult.Degraded(
                $"anchoring paused since {outage.Since:O} after {outage.Failures} failed attempts ({outage.LastError}); retrying with backoff");
        try
        {
            var block = await head.LatestAsync(cancellationToken);
            return chain.Deployment is null
                ? HealthCheckResult.Degraded($"chain answers at block {block.Number}, contracts not deployed or found yet")
                : HealthCheckResult.Healthy($"chain at block {block.Number}");
        }
        catch (Exception ex) when (ex is HttpRequestException or Nethereum.JsonRpc.Client.RpcClientUnknownException or Nethereum.JsonRpc.Client.RpcClientTimeoutException)
        {
            return HealthCheckResult.Degraded("the chain's RPC endpoint does not answer; anchoring waits for it", ex);
        }
    }
}
