using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.Epochs;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.RewardLedger.Apis;

/// <summary>
/// The reward policies on record, read-only. A policy changes only by a passed <c>reward-policy</c> proposal (governance
/// records <see cref="PolicyActivated"/>; the ledger takes it up from the history), never by an operator's call.
/// </summary>
public static class PoliciesApi
{
    public static IEndpointRouteBuilder MapPoliciesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/policies").WithTags("Policies");
        api.MapGet("/", GetAllAsync);
        api.MapGet("/current", GetCurrentAsync);
        return app;
    }

    /// <summary>Every policy on record, oldest first, each with the first epoch it applies to.</summary>
    public static async Task<Ok<IReadOnlyList<RewardPolicyPublished>>> GetAllAsync(RewardPolicyBook policies, CancellationToken ct) =>
        TypedResults.Ok((await policies.ScheduleAsync(ct)).Records);

    /// <summary>The policy a credit recorded now would use.</summary>
    public static async Task<Ok<RewardPolicyPublished>> GetCurrentAsync(
        RewardPolicyBook policies, IQuerySession session, IOptions<EpochOptions> epochs, TimeProvider clock, CancellationToken ct)
    {
        var schedule = await policies.ScheduleAsync(ct);
        var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
        var epoch = state.EpochForCredit(epochs.Value, clock.GetUtcNow());
        return TypedResults.Ok(schedule.Records.Last(r => r.EffectiveFromEpoch <= epoch));
    }
}
