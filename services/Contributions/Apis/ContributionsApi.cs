using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using Marten;
using CommunityAI.ServiceDefaults.History;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Apis;

public static class ContributionsApi
{
    public sealed record SubmissionResult(string Id, string Status);

    public static IEndpointRouteBuilder MapContributionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/contributions").WithTags("Contributions");
        api.MapPost("/", SubmitAsync);
        api.MapGet("/{id}", GetAsync);
        return app;
    }

    public static async Task<Results<Accepted<SubmissionResult>, Ok<SubmissionResult>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        SubmitContributionRequest request, IDocumentStore store, IOptions<IntakeOptions> options, TimeProvider clock, CancellationToken ct)
    {
        switch (ContributionIntake.Decide(request, options.Value, clock.GetUtcNow()))
        {
            case IntakeDecision.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors, title: "The contribution is malformed");
            case IntakeDecision.Unsigned unsigned:
                return TypedResults.Problem(unsigned.Reason, statusCode: StatusCodes.Status401Unauthorized, title: "Invalid signature");
            case IntakeDecision.Accept(var submitted):
                return await AppendAsync(submitted, store, ct);
            default:
                throw new InvalidOperationException("unknown intake decision");
        }
    }

    private static async Task<Results<Accepted<SubmissionResult>, Ok<SubmissionResult>, ValidationProblem, ProblemHttpResult>> AppendAsync(
        ContributionSubmitted submitted, IDocumentStore store, CancellationToken ct)
    {
        var nonceKey = NonceUse.KeyFor(submitted.Contributor, submitted.Nonce);
        try
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(Extensions.StreamPrefix + submitted.ContributionId, submitted);
            session.Insert(new NonceUse(nonceKey, submitted.ContributionId));
            session.Store(new ContributionView
            {
                Id = submitted.ContributionId,
                Contributor = submitted.Contributor,
                Kind = submitted.Kind,
                SubmittedAt = submitted.SubmittedAt,
            });
            await session.SaveChangesAsync(ct);
            return TypedResults.Accepted($"/api/contributions/{submitted.ContributionId}", new SubmissionResult(submitted.ContributionId, ContributionStatus.Submitted));
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            // Someone stored this nonce first: the same signed contribution is idempotent, anything else is a conflict.
            await using var query = store.QuerySession();
            var taken = await query.LoadAsync<NonceUse>(nonceKey, ct);
            if (taken?.ContributionId == submitted.ContributionId)
            {
                var view = await query.LoadAsync<ContributionView>(submitted.ContributionId, ct);
                return TypedResults.Ok(new SubmissionResult(submitted.ContributionId, view?.Status ?? ContributionStatus.Submitted));
            }
            return TypedResults.Problem(
                $"nonce {submitted.Nonce} of {submitted.Contributor} is already used by another contribution",
                statusCode: StatusCodes.Status409Conflict, title: "Nonce already used");
        }
    }

    public static async Task<Results<Ok<ContributionView>, NotFound>> GetAsync(string id, IQuerySession session, CancellationToken ct)
    {
        var view = await session.LoadAsync<ContributionView>(id.ToLowerInvariant(), ct);
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(view);
    }
}
