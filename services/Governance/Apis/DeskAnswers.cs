using CommunityAI.Governance.Domain;
using CommunityAI.ServiceDefaults.Signing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.Governance.Apis;

/// <summary>One mapping from the desk's outcomes to HTTP answers, so every signed endpoint refuses alike.</summary>
public static class DeskAnswers
{
    public sealed record RecordedAnswer(string Id);

    public static IResult For(DeskOutcome outcome, string location) => outcome switch
    {
        DeskOutcome.Recorded { Again: false } r => TypedResults.Created(string.Format(System.Globalization.CultureInfo.InvariantCulture, location, r.Id), new RecordedAnswer(r.Id)),
        DeskOutcome.Recorded r => TypedResults.Ok(new RecordedAnswer(r.Id)),
        DeskOutcome.Malformed m => TypedResults.ValidationProblem(m.Errors, title: "The request is malformed"),
        DeskOutcome.Unsigned u => SigningProblems.Unauthorized(u.Error),
        DeskOutcome.NoWeight w => Problem(StatusCodes.Status403Forbidden, "No voting weight", w.Field, w.Detail),
        DeskOutcome.NotAllowed n => Problem(StatusCodes.Status403Forbidden, "Not allowed", n.Field, n.Detail),
        DeskOutcome.Unknown u => Problem(StatusCodes.Status404NotFound, "Unknown proposal", u.Field, u.Detail),
        DeskOutcome.Conflict c => Problem(StatusCodes.Status409Conflict, "Refused by the proposal's state", c.Field, c.Detail),
        DeskOutcome.TooMany t => Problem(StatusCodes.Status429TooManyRequests, "Too many signed requests", t.Field, t.Detail),
        DeskOutcome.Unavailable u => TypedResults.Problem(u.Detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Weights unavailable"),
        _ => throw new InvalidOperationException("unknown desk outcome"),
    };

    public static ProblemHttpResult Problem(int status, string title, string field, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["field"] = field });
}
