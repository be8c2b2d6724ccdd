using CommunityAI.Formats.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.ServiceDefaults.Signing;

/// <summary>
/// Turns refusals of the signed-request check into RFC 7807 problems: 401 when the request is well formed but not
/// signed by its signer in our domain (the detail says which domain to sign over), 400 naming each malformed field.
/// Each problem carries <c>failure</c> (the <see cref="SigningFailure"/> name) and <c>field</c>.
/// </summary>
public static class SigningProblems
{
    public static ProblemHttpResult Unauthorized(SigningError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return TypedResults.Problem(error.Detail, statusCode: StatusCodes.Status401Unauthorized,
            title: error.Failure == SigningFailure.Version1Domain ? "Signature over a retired domain" : "Invalid signature",
            extensions: new Dictionary<string, object?> { ["field"] = error.Field, ["failure"] = error.Failure.ToString() });
    }

    /// <summary>The field errors of a validation problem, one entry per field (rules joined when a field broke several).</summary>
    public static Dictionary<string, string[]> FieldErrors(IEnumerable<SigningError> errors) =>
        errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Detail).ToArray(), StringComparer.Ordinal);
}
