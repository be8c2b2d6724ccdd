using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.ServiceDefaults.Limits;
using CommunityAI.ServiceDefaults.Signing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.QualityScoring.Apis;

/// <summary>An appeal of a contribution's score by its contributor or a first-round reviewer, which starts a second round of review.</summary>
public static class AppealsApi
{
    /// <summary>Answer to an accepted appeal: its id, the second round's panel and deadlines.</summary>
    public sealed record AppealResult(string AppealId, string ContributionId, IReadOnlyList<string> Reviewers, int Quorum,
        DateTimeOffset CommitClosesAt, DateTimeOffset WindowClosesAt);

    public static IEndpointRouteBuilder MapAppealsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("Appeals").MapPost("/appeals", FileAsync);
        return app;
    }

    public static async Task<Results<Created<AppealResult>, ValidationProblem, ProblemHttpResult>> FileAsync(
        AppealRequest request, AppealDesk desk, SignedRequestCheck check, SignerQuota quota, IOptions<ScoringOptions> options, CancellationToken ct)
    {
        switch (SignedIntake.Appeal(request, check))
        {
            case SignedIntake.Decision<AppealPayload>.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors, title: "The appeal is malformed");
            case SignedIntake.Decision<AppealPayload>.Unsigned unsigned:
                return SigningProblems.Unauthorized(unsigned.Error);
            case SignedIntake.Decision<AppealPayload>.Accept(var payload):
                // Counted only for a verified signer: nobody can use up another's allowance.
                if (await quota.TakeAsync("appeal", payload.Appellant, options.Value.AppealsPerSigner, options.Value.AppealQuotaWindow, ct) is null)
                    return Problems.Of(StatusCodes.Status429TooManyRequests, "Too many appeals", "signature",
                        $"the appellant has filed {options.Value.AppealsPerSigner} appeals within {options.Value.AppealQuotaWindow}; try again later");
                var appealId = Hex.Encode(TypedDataSigner.Digest(payload, check.Domain));
                return await desk.FileAsync(payload, appealId, request.Signature!, ct) switch
                {
                    AppealDesk.Outcome.Filed f => TypedResults.Created($"/api/scoring/{f.Appeal.ContributionId}",
                        new AppealResult(f.Appeal.AppealId, f.Appeal.ContributionId, [.. f.Panel.Reviewers.Select(r => r.Validator)], f.Panel.Quorum,
                            f.Panel.CommitClosesAt, f.Panel.WindowClosesAt)),
                    AppealDesk.Outcome.Refused r => Problems.Of(r.Status, r.Title, r.Field, r.Detail),
                    _ => throw new InvalidOperationException("unknown appeal outcome"),
                };
            default:
                throw new InvalidOperationException("unknown appeal decision");
        }
    }
}
