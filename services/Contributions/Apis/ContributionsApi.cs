using System.Text.Json.Serialization;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Http;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using static CommunityAI.Contributions.Apis.IntakeAnswers;

namespace CommunityAI.Contributions.Apis;

public static class ContributionsApi
{
    /// <summary>
    /// One item of a batch's answer: <see cref="Status"/> and either <see cref="Result"/> or <see cref="Problem"/>,
    /// exactly the status and body POST /api/contributions gives the same contribution.
    /// </summary>
    /// <param name="Index">The item's place in the batch, from 0.</param>
    /// <param name="Status">The single endpoint's HTTP status: 202 stored now, 200 stored before, 400, 401, 409, 429 refused.</param>
    /// <param name="Result">With 202 and 200: the id and the contribution's status.</param>
    /// <param name="Problem">With a refusal: the RFC 7807 problem, naming the field (<c>errors</c> for a malformed item).</param>
    public sealed record BatchItemResult(
        int Index, int Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SubmissionResult? Result,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Problem);

    /// <summary>Answer to a batch: how many items this request stored, and every item's answer in order.</summary>
    public sealed record BatchResult(int Stored, IReadOnlyList<BatchItemResult> Items);

    /// <summary>One page of a contributor's contributions, newest first.</summary>
    public sealed record ContributionPage(int Page, int PageSize, IReadOnlyList<ContributionView> Items);

    public const int MaxPageSize = 100;
    public const string BatchPath = "/api/contributions/batch";

    public static IEndpointRouteBuilder MapContributionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/contributions").WithTags("Contributions");
        api.MapPost("/", SubmitAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/batch", SubmitBatchAsync)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        // A literal segment outranks the id parameter, so this is never read as a contribution id.
        api.MapGet("/licences", async (LicencesInForce licences, CancellationToken ct) => TypedResults.Ok(await licences.CurrentAsync(ct)));
        api.MapGet("/{id}", GetAsync);
        app.MapGet("/api/contributors/{address}/contributions", ListByContributorAsync).WithTags("Contributions");
        return app;
    }

    public static async Task<Results<Accepted<SubmissionResult>, Ok<SubmissionResult>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        SubmitContributionRequest request, ContributionAppender appender, ContributorAllowance allowance, IOptions<IntakeOptions> options,
        SignedRequestCheck check, LicencesInForce licences, CancellationToken ct)
    {
        var allowed = (await licences.CurrentAsync(ct)).Licences;
        switch (ContributionIntake.Decide(request, options.Value, allowed, check, uploadsAllowed: true))
        {
            case IntakeDecision.Invalid invalid:
                return IntakeAnswers.Malformed(invalid);
            case IntakeDecision.Unsigned unsigned:
                return IntakeAnswers.Unsigned(unsigned);
            // Counted for the signer the signature proves, never for an address a request merely claims.
            case IntakeDecision.Accept(var submitted, var content):
                var appended = await allowance.AppendWithinAsync(submitted.Contributor, request.Upload is { } upload
                    ? none => appender.AppendUploadedAsync(submitted, upload.ToLowerInvariant(), check.Now, none)
                    : none => appender.AppendAsync(submitted, content, none), ct);
                if (appended is null)
                    return IntakeAnswers.OverQuota();
                IntakeMetrics.Stored("http", appended);
                return appended switch
                {
                    AppendOutcome.Stored stored => IntakeAnswers.Stored(stored),
                    AppendOutcome.AlreadyStored again => IntakeAnswers.AlreadyStored(again),
                    AppendOutcome.NonceTaken taken => IntakeAnswers.NonceTaken(taken),
                    AppendOutcome.UploadRefused refused => IntakeAnswers.Problem(refused.Status, refused.Title, refused.Field, refused.Detail),
                    _ => throw new InvalidOperationException("unknown append outcome"),
                };
            default:
                throw new InvalidOperationException("unknown intake decision");
        }
    }

    /// <summary>
    /// Up to <see cref="IntakeOptions.MaxBatchItems"/> signed contributions: each checked as the single endpoint checks it
    /// and answered on its own, the accepted ones stored in one transaction. When that transaction fails, nothing of the
    /// batch is stored (503) and its items' allowances are given back; the same batch may then be sent again as it is.
    /// </summary>
    public static async Task<Results<Ok<BatchResult>, ValidationProblem, ProblemHttpResult>> SubmitBatchAsync(
        SubmitContributionsRequest request, BatchIntake intake, CancellationToken ct)
    {
        var max = intake.Options.MaxBatchItems;
        if (request.Contributions is not { Count: > 0 } items)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["contributions"] = [$"is required: an array of 1 to {max} signed contributions"] },
                title: "The batch is malformed");
        if (items.Count > max)
            return IntakeAnswers.Problem(StatusCodes.Status413PayloadTooLarge, "Batch too large", "contributions",
                $"a batch holds at most {max} contributions; this one holds {items.Count}");

        BatchItemOutcome[] outcomes;
        try
        {
            var decide = await intake.DeciderAsync(ct);
            outcomes = await intake.SubmitAsync(items.Count, i => decide(items[i]), ct);
        }
        catch (Exception e) when (e is MartenException or NpgsqlException || e.InnerException is NpgsqlException)
        {
            return IntakeAnswers.Problem(StatusCodes.Status503ServiceUnavailable, "The batch was not stored", "batch",
                "the store refused the batch's transaction, so none of its contributions was stored; send the same batch again (it is idempotent)");
        }
        IntakeMetrics.Stored("http-batch", outcomes);
        var answers = outcomes.Select(Answer).ToList();
        return TypedResults.Ok(new BatchResult(answers.Count(a => a.Status == StatusCodes.Status202Accepted), answers));
    }

    private static BatchItemResult Answer(BatchItemOutcome outcome, int index) => outcome switch
    {
        BatchItemOutcome.Refused { Decision: IntakeDecision.Invalid invalid } => Refusal(index, IntakeAnswers.Malformed(invalid).ProblemDetails),
        BatchItemOutcome.Refused { Decision: IntakeDecision.Unsigned unsigned } => Refusal(index, IntakeAnswers.Unsigned(unsigned).ProblemDetails),
        BatchItemOutcome.OverQuota => Refusal(index, IntakeAnswers.OverQuota().ProblemDetails),
        BatchItemOutcome.Appended { Outcome: AppendOutcome.Stored stored } => Success(index, IntakeAnswers.Stored(stored)),
        BatchItemOutcome.Appended { Outcome: AppendOutcome.AlreadyStored again } => Success(index, IntakeAnswers.AlreadyStored(again)),
        BatchItemOutcome.Appended { Outcome: AppendOutcome.NonceTaken taken } => Refusal(index, IntakeAnswers.NonceTaken(taken).ProblemDetails),
        _ => throw new InvalidOperationException("unknown batch item outcome"),
    };

    private static BatchItemResult Success<TResult>(int index, TResult result) where TResult : IStatusCodeHttpResult, IValueHttpResult<SubmissionResult> =>
        new(index, result.StatusCode ?? StatusCodes.Status200OK, result.Value, null);

    private static BatchItemResult Refusal(int index, ProblemDetails problem) =>
        new(index, problem.Status ?? StatusCodes.Status500InternalServerError, null, problem);

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

}
