using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contributions.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Apis;

/// <summary>
/// A validator's read, answered a segment at a time: the bytes are those <c>TypedResults.Ok(ContentResult)</c> would
/// write, but the content is read from the store, verified, encoded and sent one segment after another, so a read of
/// 64 MiB holds about one segment. The first segment was read and verified before this runs, so a row that does not
/// open at all is refused with a problem; a later segment that does not open aborts the response, which the client sees
/// as a broken, unparsable answer, never as a shorter content.
/// </summary>
public sealed partial class ContentReadStream(
    string contentHash, StoredContent content, IAsyncEnumerator<ReadOnlyMemory<byte>> segments, IDisposable readLease, ILogger<ContentReadStream> logger)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => "application/json; charset=utf-8";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var ct = httpContext.RequestAborted;
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentType;
        try
        {
            await using var body = new JsonBodyWriter(httpContext.Response.Body, options);
            body.Json.WriteStartObject();
            body.Json.WriteString(Name(options, nameof(ContentApi.ContentResult.ContributionId)), content.ContributionId);
            body.Json.WriteString(Name(options, nameof(ContentApi.ContentResult.ContentHash)), contentHash);
            body.Json.WriteString(Name(options, nameof(ContentApi.ContentResult.Licence)), content.Licence);
            body.Json.WritePropertyName(Name(options, nameof(ContentApi.ContentResult.Content)));
            await body.WriteBase64Async(segments, ct);
            body.Json.WriteEndObject();
            await body.SendAsync(ct);
        }
        catch (CryptographicException e)
        {
            // The status is sent: all that is left is to break the answer so no client takes a prefix for the content.
            LogSegmentRefused(content.ContributionId, e.Message);
            httpContext.Abort();
        }
        finally
        {
            await segments.DisposeAsync();
            await content.DisposeAsync();
            readLease.Dispose(); // the reader's place in ContentReadGate
        }
    }

    private static string Name(JsonSerializerOptions options, string property) => options.PropertyNamingPolicy?.ConvertName(property) ?? property;

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored content of {ContributionId} failed verification during a read, answer aborted: {Reason}")]
    private partial void LogSegmentRefused(string contributionId, string reason);
}
