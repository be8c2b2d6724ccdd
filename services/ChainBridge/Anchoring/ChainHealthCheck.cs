using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>Readiness includes the chain: the node answers and our contracts were found or deployed.</summary>
public sealed class ChainHealthCheck(ChainConnection chain) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var block = await chain.Sender.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync();
            return chain.Deployment is null
                ? HealthCheckResult.Degraded($"chain answers at block {block.Value}, contracts not deployed or found yet")
                : HealthCheckResult.Healthy($"chain at block {block.Value}");
        }
        catch (Exception ex) when (ex is HttpRequestException or Nethereum.JsonRpc.Client.RpcClientUnknownException or Nethereum.JsonRpc.Client.RpcClientTimeoutException)
        {
            return HealthCheckResult.Unhealthy("the chain's RPC endpoint does not answer", ex);
        }
    }
}
