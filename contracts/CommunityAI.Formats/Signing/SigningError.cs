namespace CommunityAI.Formats.Signing;

/// <summary>One refusal of a signed request: which rule, the request field at fault, and a sentence saying what to fix.</summary>
/// <param name="Failure">The rule that failed.</param>
/// <param name="Field">The request field at fault (<c>signature</c> for every signature failure).</param>
/// <param name="Detail">What was wrong, for the problem's <c>detail</c>.</param>
public sealed record SigningError(SigningFailure Failure, string Field, string Detail)
{
    /// <summary>True when the request is well formed but not signed by its claimed signer in our domain (HTTP 401, not 400).</summary>
    public bool IsUnauthorized => Failure is SigningFailure.SignatureUnusable or SigningFailure.SignerMismatch or SigningFailure.Version1Domain;
}
