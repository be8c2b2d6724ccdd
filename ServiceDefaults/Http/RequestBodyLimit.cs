using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.ServiceDefaults.Http;

/// <summary>
/// Bounds request bodies (POST, or another method) under a path before any of them is read. A declared length over the bound is answered
/// 413 with a problem at once, so the body is never buffered; a chunked body is cut by the server at the bound.
/// </summary>
public static class RequestBodyLimit
{
    /// <param name="app">The application.</param>
    /// <param name="prefix">Requests whose path starts with this segment are bounded.</param>
    /// <param name="limit">
    /// The bound in bytes, computed per request (typed options may change; one prefix may hold endpoints with different
    /// bounds, such as a single submission and a batch of them).
    /// </param>
    public static IApplicationBuilder UsePostBodyLimit(this IApplicationBuilder app, PathString prefix, Func<HttpContext, long> limit) =>
        app.UseBodyLimit(HttpMethods.Post, prefix, limit);

    /// <summary>As <see cref="UsePostBodyLimit"/>, for requests of <paramref name="method"/> (PUT of a file's part, for instance).</summary>
    public static IApplicationBuilder UseBodyLimit(this IApplicationBuilder app, string method, PathString prefix, Func<HttpContext, long> limit) =>
        app.UseWhen(
            context => HttpMethods.Equals(context.Request.Method, method) && context.Request.Path.StartsWithSegments(prefix),
            branch => branch.Use(async (context, next) =>
            {
                var bound = limit(context);
                if (context.Request.ContentLength > bound)
                {
                    await TooLargeAsync(context, bound);
                    return;
                }
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                    feature.MaxRequestBodySize = bound;
                await next(context);
            }));

    private static async Task TooLargeAsync(HttpContext context, long limit)
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
