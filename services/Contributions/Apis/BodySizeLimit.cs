using CommunityAI.Contributions.Datasets;
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

    /// <summary>The bound of an upload's opening: its manifest of part hashes (about 70 bytes each in JSON) and the signed fields.</summary>
    public static long ForUploadOpening(IntakeOptions options) => options.MaxUploadParts * 72L + Overhead;

    /// <summary>
    /// The bound of a dataset request (a snapshot's criteria, a multiproof's list of ids, an export's signed request): the
    /// longest list of ids a multiproof may name (about 70 bytes each in JSON) and the licences, escaped at worst.
    /// </summary>
    public static long ForDatasets(DatasetOptions options) => options.MaxMultiProofMembers * 72L + options.MaxLicencesLength * 6L + Overhead;

    /// <summary>
    /// Applies the bounds to POST /api/contributions and POST /api/contributions/batch, to the opening of an upload
    /// (POST /api/uploads and its erasure), to each of its parts (PUT /api/uploads/{id}/parts/{index}), to a model
    /// registration (POST /api/datasets/{root}/models) and to every other POST under /api/datasets.
    /// </summary>
    public static IApplicationBuilder UseSubmissionBodyLimit(this IApplicationBuilder app) => app
        .UsePostBodyLimit("/api/contributions", context =>
        {
            var options = Options(context);
            return context.Request.Path.StartsWithSegments(ContributionsApi.BatchPath) ? ForBatch(options) : For(options);
        })
        .UsePostBodyLimit(UploadsApi.Path, context => ForUploadOpening(Options(context)))
        .UseBodyLimit(HttpMethods.Put, UploadsApi.Path, context => Options(context).MaxPartBytes)
        .UsePostBodyLimit(DatasetsApi.Path, context => ModelsApi.IsRegistration(context)
            ? ModelRegistry.MaxBodyBytes
            : ForDatasets(context.RequestServices.GetRequiredService<IOptions<DatasetOptions>>().Value));

    private static IntakeOptions Options(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<IntakeOptions>>().Value;
}
