using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Apis;

/// <summary>
/// Bounds the submission body before any of it is read: the largest inline content in base64 plus room for the
/// other fields; for a batch, a room per item.
/// </summary>
public static class BodySizeLimit
{
    /// <summary>Room for every field but the content (addresses, hashes, a bounded URI, signature, JSON syntax).</summary>
    private const long Overhead = 16 * 1024;

    public static long For(IntakeOptions options) => (long)options.MaxContentBytes * 4 / 3 + 4 + options.MaxContentUriLength * 6L + Overhead;

    /// <summary>The bound of a batch body: proportional to the most items a batch may hold.</summary>
    public static long ForBatch(IntakeOptions options) => (long)options.MaxBatchItems * options.BatchBytesPerItem;

    /// <summary>Applies the bounds to POST /api/contributions and POST /api/contributions/batch.</summary>
    public static IApplicationBuilder UseSubmissionBodyLimit(this IApplicationBuilder app) =>
        app.UsePostBodyLimit("/api/contributions", context =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<IntakeOptions>>().Value;
            return context.Request.Path.StartsWithSegments(ContributionsApi.BatchPath) ? ForBatch(options) : For(options);
        });
}
