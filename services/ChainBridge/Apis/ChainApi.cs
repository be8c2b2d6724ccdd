using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.ChainBridge.Apis;

public static class ChainApi
{
    /// <param name="RevenuePoolContract">Where builders pay for dataset snapshots; null when the deployment has no pool.</param>
    public sealed record ChainResponse(long ChainId, string AnchorContract, string TokenContract, string DistributorContract, string? RevenuePoolContract = null);

    public static IEndpointRouteBuilder MapChainApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/chain", GetAsync).WithTags("Chain");
        return app;
    }

    public static Results<Ok<ChainResponse>, ProblemHttpResult> GetAsync(ChainConnection chain) =>
        chain.Deployment is { } d
            ? TypedResults.Ok(new ChainResponse(chain.ChainId, d.AnchorAddress, d.TokenAddress, d.DistributorAddress,
                d.RevenuePoolAddress.Length == 0 ? null : d.RevenuePoolAddress))
            : TypedResults.Problem("contracts are not deployed or found yet", statusCode: StatusCodes.Status503ServiceUnavailable);
}
