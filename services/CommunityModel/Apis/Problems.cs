using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.CommunityModel.Apis;

/// <summary>RFC 7807 problems that name the field at fault and the rule it broke.</summary>
internal static class Problems
{
    public static ProblemHttpResult Of(int status, string title, string field, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["field"] = field });

    public static ValidationProblem Field(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is malformed");
}
