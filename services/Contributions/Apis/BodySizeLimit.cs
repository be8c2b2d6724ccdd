using CommunityAI.Contributions.Domain;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Apis;

/// <summary>
/// Bounds the submission body before any of it is read: the largest inline content in base64 plus room for the
/// other fields. A declared length over the bound is answered 413 at once; a chunked body is cut by the server.
/// </summary>
public static class BodySizeLimit
{
    /// <summary>Room for every field but the content (addresses, hashes, a bounded URI, signature, JSON syntax).</summary>
    private const long Overhead = 16 * 1024;

    public static long For(IntakeOptions options) => (long)options.MaxContentBytes * 4 / 3 + 4 + options.MaxContentUriLength * 6L + Overhead;

    /// <summary>Applies the bound to POST /api/contributions.</summary>
    public static IApplicationBuilder UseSubmissionBodyLimit(this IApplicationBuilder app) =>
        app.UseWhen(
            context => HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/api/contributions"),
            branch => branch.Use(async (context, next) =>
            {
                var limit = For(context.RequestServices.GetRequiredService<IOptions<IntakeOptions>>().Value);
                if (context.Request.ContentLength > limit)
                {
                    await TooLarge(context, limit);
                    return;
                }
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                    feature.MaxRequestBodySize = limit;
                await next(context);
            }));

    private static async Task TooLarge(HttpContext context, long limit)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large",
                Detail = $"body: at most {limit} bytes",
                Extensions = { ["field"] = "body" },
            },
        });
    }
}
