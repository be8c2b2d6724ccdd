using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.QualityScoring.Apis;

/// <summary>RFC 7807 problems that name the field at fault and the rule it broke.</summary>
internal static class Problems
{
    public static ProblemHttpResult Of(int status, string title, string field, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["field"] = field });
}
