using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Http;
using CommunityAI.ServiceDefaults.Limits;
using CommunityAI.ServiceDefaults.Signing;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Apis;

public static class ContributionsApi
{
    /// <summary>Answer to a submission: the contribution id (its EIP-712 digest) and its status.</summary>
    public sealed record SubmissionResult(string Id, string Status);

    /// <summary>One page of a contributor's contributions, newest first.</summary>
    public sealed record ContributionPage(int Page, int PageSize, IReadOnlyList<ContributionView> Items);

    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapContributionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/contributions").WithTags("Contributions");
        api.MapPost("/", SubmitAsync)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/{id}", GetAsync);
        app.MapGet("/api/contributors/{address}/contributions", ListByContributorAsync).WithTags("Contributions");
        return app;
    }

    public static async Task<Results<Accepted<SubmissionResult>, Ok<SubmissionResult>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        SubmitContributionRequest request, ContributionAppender appender, SignerQuota quota, IOptions<RateLimitOptions> limits,
        IOptions<IntakeOptions> options, SignedRequestCheck check, CancellationToken ct)
    {
        switch (ContributionIntake.Decide(request, options.Value, check))
        {
            case IntakeDecision.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors, title: "The contribution is malformed");
            case IntakeDecision.Unsigned unsigned:
                return SigningProblems.Unauthorized(unsigned.Error);
            // Counted for the signer the signature proves, never for an address a request merely claims.
            case IntakeDecision.Accept(var submitted, _) when
                await quota.TakeAsync("contributions", submitted.Contributor, limits.Value.PerContributor, limits.Value.Window, ct) is null:
                return Problem(StatusCodes.Status429TooManyRequests, "Too many submissions", "contributor",
                    "too many submissions for this contributor address; retry later");
            case IntakeDecision.Accept(var submitted, var content):
                return await appender.AppendAsync(submitted, content, ct) switch
                {
                    AppendOutcome.Stored stored => TypedResults.Accepted($"/api/contributions/{stored.ContributionId}",
                        new SubmissionResult(stored.ContributionId, ContributionStatus.Submitted)),
                    AppendOutcome.AlreadyStored again => TypedResults.Ok(new SubmissionResult(again.ContributionId, again.Status)),
                    AppendOutcome.NonceTaken taken => Problem(StatusCodes.Status409Conflict, "Nonce already used", "nonce", taken.Reason),
                    _ => throw new InvalidOperationException("unknown append outcome"),
                };
            default:
                throw new InvalidOperationException("unknown intake decision");
        }
    }

    public static async Task<Results<Ok<ContributionView>, NotFound>> GetAsync(string id, IQuerySession session, CancellationToken ct)
    {
        var view = await session.LoadAsync<ContributionView>(id.ToLowerInvariant(), ct);
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<ContributionPage>, ValidationProblem>> ListByContributorAsync(
        string address, IQuerySession session, CancellationToken ct, int page = 1, int pageSize = 20)
    {
        var errors = new Dictionary<string, string[]>();
        if (!CommunityAI.Formats.Signing.Address.TryParse(address, out var contributor))
            errors["address"] = ["must be a 20-byte 0x-prefixed hex address"];
        var paging = PageRequest.TryCreate(page, pageSize, MaxPageSize, errors);
        if (paging is not { } request || errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "Bad paging request");

        var items = await session.Query<ContributionView>()
            .Where(v => v.Contributor == contributor)
            .OrderByDescending(v => v.SubmittedAt).ThenBy(v => v.Id)
            .Skip(request.Skip).Take(request.PageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new ContributionPage(page, pageSize, items));
    }

    private static ProblemHttpResult Problem(int status, string title, string field, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["field"] = field });
}
