using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.ServiceDefaults.Signing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.Contributions.Apis;

/// <summary>
/// The answers of contribution intake, written once for the single and the batch endpoint, so each item of a batch gets
/// exactly the status and body (the same problem: title, detail, field) the single endpoint gives the same contribution.
/// </summary>
public static class IntakeAnswers
{
    /// <summary>Answer to a submission: the contribution id (its EIP-712 digest) and its status.</summary>
    public sealed record SubmissionResult(string Id, string Status);

    public static ValidationProblem Malformed(IntakeDecision.Invalid invalid)
    {
        ArgumentNullException.ThrowIfNull(invalid);
        return TypedResults.ValidationProblem(invalid.Errors, title: "The contribution is malformed");
    }

    public static ProblemHttpResult Unsigned(IntakeDecision.Unsigned unsigned)
    {
        ArgumentNullException.ThrowIfNull(unsigned);
        return SigningProblems.Unauthorized(unsigned.Error);
    }

    public static ProblemHttpResult OverQuota() => Problem(StatusCodes.Status429TooManyRequests, "Too many submissions", "contributor",
        "too many submissions for this contributor address; retry later");

    public static Accepted<SubmissionResult> Stored(AppendOutcome.Stored stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return TypedResults.Accepted($"/api/contributions/{stored.ContributionId}", new SubmissionResult(stored.ContributionId, ContributionStatus.Submitted));
    }

    public static Ok<SubmissionResult> AlreadyStored(AppendOutcome.AlreadyStored again)
    {
        ArgumentNullException.ThrowIfNull(again);
        return TypedResults.Ok(new SubmissionResult(again.ContributionId, again.Status));
    }

    public static ProblemHttpResult NonceTaken(AppendOutcome.NonceTaken taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        return Problem(StatusCodes.Status409Conflict, "Nonce already used", "nonce", taken.Reason);
    }

    public static ProblemHttpResult Problem(int status, string title, string field, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["field"] = field });
}
