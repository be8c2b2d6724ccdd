using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Signing;

namespace CommunityAI.QualityScoring.Apis;

/// <summary>Sealed reviews and their reveals by assigned validators, and the scoring state of a contribution.</summary>
public static class ReviewsApi
{
    /// <summary>Answer to a commitment: what was recorded.</summary>
    public sealed record CommitResult(string ContributionId, string Validator, string Commitment, DateTimeOffset CommittedAt);

    /// <summary>
    /// Answer to a reveal: it was accepted and is held until the case closes. The final score is set only when this reveal
    /// closed the case; the validator's own score is not echoed (it knows it, and nobody else may learn it before the close).
    /// </summary>
    public sealed record RevealResult(string ContributionId, string Validator, DateTimeOffset ReceivedAt, int? FinalScore);

    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Reviews");
        api.MapPost("/reviews/commitments", CommitAsync);
        api.MapPost("/reviews", RevealAsync);
        api.MapGet("/scoring/{contributionId}", GetCaseAsync);
        api.MapGet("/scoring/policy", (ScoringPolicyBook policies) => TypedResults.Ok(policies.Current));
        return app;
    }

    public static async Task<Results<Created<CommitResult>, Ok, ValidationProblem, ProblemHttpResult>> CommitAsync(
        ReviewCommitRequest request, ReviewDesk desk, SignedRequestCheck check, CancellationToken ct)
    {
        switch (SignedIntake.Commit(request, check))
        {
            case SignedIntake.Decision<ReviewCommitPayload>.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors, title: "The review commitment is malformed");
            case SignedIntake.Decision<ReviewCommitPayload>.Unsigned unsigned:
                return SigningProblems.Unauthorized(unsigned.Error);
            case SignedIntake.Decision<ReviewCommitPayload>.Accept(var payload):
                return await desk.CommitAsync(payload, request.Signature!, ct) switch
                {
                    ReviewDesk.Outcome.Committed c => TypedResults.Created($"/api/scoring/{c.Commitment.ContributionId}",
                        new CommitResult(c.Commitment.ContributionId, c.Commitment.Validator, c.Commitment.Commitment, c.Commitment.CommittedAt)),
                    ReviewDesk.Outcome.AlreadyAccepted => TypedResults.Ok(),
                    ReviewDesk.Outcome.Refused r => Problems.Of(r.Status, r.Title, r.Field, r.Detail),
                    _ => throw new InvalidOperationException("unknown commitment outcome"),
                };
            default:
                throw new InvalidOperationException("unknown commitment decision");
        }
    }

    public static async Task<Results<Created<RevealResult>, Ok, ValidationProblem, ProblemHttpResult>> RevealAsync(
        ReviewRequest request, ReviewDesk desk, SignedRequestCheck check, CancellationToken ct)
    {
        switch (SignedIntake.Review(request, check))
        {
            case SignedIntake.Decision<ReviewPayload>.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors, title: "The review is malformed");
            case SignedIntake.Decision<ReviewPayload>.Unsigned unsigned:
                return SigningProblems.Unauthorized(unsigned.Error);
            case SignedIntake.Decision<ReviewPayload>.Accept(var payload):
                return await desk.RevealAsync(payload, request.Signature!, ct) switch
                {
                    ReviewDesk.Outcome.Revealed a => TypedResults.Created($"/api/scoring/{a.Review.ContributionId}",
                        new RevealResult(a.Review.ContributionId, a.Review.Validator, a.Review.ReceivedAt, a.Scored?.Score)),
                    ReviewDesk.Outcome.AlreadyAccepted => TypedResults.Ok(),
                    ReviewDesk.Outcome.Refused r => Problems.Of(r.Status, r.Title, r.Field, r.Detail),
                    _ => throw new InvalidOperationException("unknown review outcome"),
                };
            default:
                throw new InvalidOperationException("unknown review decision");
        }
    }

    /// <summary>The case: its checks, reviewers and commitments; reviews and the score only once it closed.</summary>
    public static async Task<Results<Ok<ScoringCase>, NotFound>> GetCaseAsync(string contributionId, Marten.IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<ScoringCase>(contributionId.ToLowerInvariant(), ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();
}
