using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Signing;

namespace CommunityAI.QualityScoring.Apis;

/// <summary>Signed reviews by assigned validators, and the scoring state of a contribution.</summary>
public static class ReviewsApi
{
    /// <summary>Answer to a review: what was recorded, and the final score when this review completed the case.</summary>
    public sealed record ReviewResult(string ContributionId, string Validator, int Score, string Verdict, DateTimeOffset ReceivedAt, int? FinalScore);

    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Reviews");
        api.MapPost("/reviews", SubmitAsync);
        api.MapGet("/scoring/{contributionId}", GetCaseAsync);
        api.MapGet("/scoring/policy", (PolicyBook policies) => TypedResults.Ok(policies.Current));
        return app;
    }

    public static async Task<Results<Created<ReviewResult>, Ok<ReviewResult>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        ReviewRequest request, ReviewDesk desk, SignedRequestCheck check, CancellationToken ct)
    {
        switch (SignedIntake.Review(request, check))
        {
            case SignedIntake.Decision<ReviewPayload>.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors, title: "The review is malformed");
            case SignedIntake.Decision<ReviewPayload>.Unsigned unsigned:
                return SigningProblems.Unauthorized(unsigned.Error);
            case SignedIntake.Decision<ReviewPayload>.Accept(var payload):
                return await desk.SubmitAsync(payload, request.Signature!, ct) switch
                {
                    ReviewDesk.Outcome.Accepted a => TypedResults.Created($"/api/scoring/{a.Review.ContributionId}",
                        new ReviewResult(a.Review.ContributionId, a.Review.Validator, a.Review.Score, a.Review.Verdict, a.Review.ReceivedAt, a.Scored?.Score)),
                    ReviewDesk.Outcome.AlreadyAccepted a => TypedResults.Ok(
                        new ReviewResult(a.Review.ContributionId, a.Review.Validator, a.Review.Score, a.Review.Verdict, a.Review.ReceivedAt, null)),
                    ReviewDesk.Outcome.Refused r => Problems.Of(r.Status, r.Title, r.Field, r.Detail),
                    _ => throw new InvalidOperationException("unknown review outcome"),
                };
            default:
                throw new InvalidOperationException("unknown review decision");
        }
    }

    public static async Task<Results<Ok<ScoringCase>, NotFound>> GetCaseAsync(string contributionId, Marten.IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<ScoringCase>(contributionId.ToLowerInvariant(), ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();
}
