using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Apis;

/// <summary>
/// Bounds the submission body before any of it is read: the largest inline content in base64 plus room for the
/// other fields.
/// </summary>
public static class BodySizeLimit
{
    /// <summary>Room for every field but the content (addresses, hashes, a bounded URI, signature, JSON syntax).</summary>
    private const long Overhead = 16 * 1024;

    public static long For(IntakeOptions options) => (long)options.MaxContentBytes * 4 / 3 + 4 + options.MaxContentUriLength * 6L + Overhead;

    /// <summary>Applies the bound to POST /api/contributions.</summary>
    public static IApplicationBuilder UseSubmissionBodyLimit(this IApplicationBuilder app) =>
        app.UsePostBodyLimit("/api/contributions", services => For(services.GetRequiredService<IOptions<IntakeOptions>>().Value));
}
