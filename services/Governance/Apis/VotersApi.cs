using System.Numerics;
using CommunityAI.Formats.Signing;
using CommunityAI.Governance.Domain;
using CommunityAI.Governance.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.Governance.Apis;

/// <summary>
/// An address's weight for proposals submitted now, with the claim proof that lets anyone check it against the
/// distributor's on-chain root, and its delegations.
/// </summary>
public static class VotersApi
{
    public sealed record VoterView(string Address, long? Epoch, string? ClaimRoot, string Earned, IReadOnlyList<string> ClaimProof,
        string OwnWeight, string DelegatedWeight, string? Delegate, IReadOnlyList<string> Delegators);

    public static IEndpointRouteBuilder MapVotersApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/voters").WithTags("Voters").MapGet("/{address}", GetAsync);
        return app;
    }

    public static async Task<Results<Ok<VoterView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string address, IQuerySession session, EarnedWeights weights, ParametersBook parameters, CancellationToken ct)
    {
        if (!Address.TryParse(address, out var voter))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["address"] = ["a 20-byte 0x-prefixed hex address (mixed case must be a valid EIP-55 checksum)"] });
        var epoch = await weights.LatestClosedAsync(ct);
        EpochWeights? snapshot;
        try
        {
            snapshot = epoch is null ? null : await weights.ForAsync(epoch, ct);
        }
        catch (InvalidOperationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Weights unavailable");
        }
        var rules = await parameters.InForceAsync(ct);
        var delegations = (await session.Query<Delegation>().Where(d => d.Delegatee != null).ToListAsync(ct))
            .ToDictionary(d => d.Delegator, d => d.Delegatee!, StringComparer.Ordinal);
        var power = new VotingPower(snapshot?.Earned ?? new Dictionary<string, BigInteger>(), delegations, rules.SquareRootWeighting);
        var earned = snapshot?.Earned.GetValueOrDefault(voter) ?? BigInteger.Zero;
        var proof = snapshot?.Tree is { } tree && tree.Contains(voter) ? tree.GetProof(voter) : [];
        var own = power.Own(voter);
        var withDelegated = power.WeightOf(voter, new HashSet<string>());
        return TypedResults.Ok(new VoterView(voter, epoch?.Epoch, epoch?.ClaimRoot, earned.ToString(), proof, own.ToString(),
            (withDelegated - own).ToString(), power.DelegateOf(voter), power.DelegatorsOf(voter)));
    }
}
