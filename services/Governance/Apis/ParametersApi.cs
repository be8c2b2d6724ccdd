using System.Globalization;
using CommunityAI.Governance.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.Governance.Apis;

/// <summary>
/// The governance parameters in force, in the terms a <c>governance-parameters</c> proposal's payload uses, so anyone (the
/// portal first) can set a proposal beside what it would replace.
/// </summary>
public static class ParametersApi
{
    /// <summary>As the payload names them; the threshold in token base units as decimal digits.</summary>
    public sealed record ParametersView(long Version, string ProposalThreshold, long VotingDelaySeconds, long VotingPeriodSeconds,
        int QuorumBasisPoints, int RewardQuorumBasisPoints, long LateQuorumExtensionSeconds, long TimelockSeconds, bool SquareRootWeighting);

    public static IEndpointRouteBuilder MapParametersApi(this IEndpointRouteBuilder app)
    {
        // A literal segment, so it is matched before /api/proposals/{id}.
        app.MapGroup("/api/proposals").WithTags("Proposals").MapGet("/parameters", GetAsync);
        return app;
    }

    public static async Task<Ok<ParametersView>> GetAsync(ParametersBook parameters, CancellationToken ct)
    {
        var p = await parameters.InForceAsync(ct);
        return TypedResults.Ok(new ParametersView(p.Version, p.ProposalThreshold.ToString(CultureInfo.InvariantCulture), p.VotingDelaySeconds,
            p.VotingPeriodSeconds, p.QuorumBasisPoints, p.RewardQuorumBasisPoints, p.LateQuorumExtensionSeconds, p.TimelockSeconds,
            p.SquareRootWeighting));
    }
}
