using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Apis;
using CommunityAI.Contributions.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Datasets;

/// <summary>
/// The export's answer, written member by member and each member's content a segment at a time: each segment is read,
/// verified, decrypted, written and flushed before the next is read, so an export holds one segment, not a member. The bytes are
/// those <c>TypedResults.Ok(ExportResult)</c> would write (same options, same property order), so clients see no change.
/// Every refusal happens before this runs: once the 200 is sent, a failure can only abort the response, which a client
/// sees as a truncated, unparsable body, never as a shorter dataset.
/// </summary>
public sealed class DatasetExportStream(
    DatasetSnapshotted snapshot, Dictionary<string, ContributionSubmitted> submissions, HashSet<string> erased, ContentStore contents)
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

        await using var body = new JsonBodyWriter(httpContext.Response.Body, options);
        var writer = body.Json;
        writer.WriteStartObject();
        writer.WriteString(Name(options, nameof(DatasetsApi.ExportResult.Root)), snapshot.Root);
        writer.WriteString(Name(options, nameof(DatasetsApi.ExportResult.Builder)), snapshot.Builder);
        writer.WriteString(Name(options, nameof(DatasetsApi.ExportResult.Kind)), snapshot.Kind);
        writer.WriteNumber(Name(options, nameof(DatasetsApi.ExportResult.MinScore)), snapshot.MinScore);
        writer.WriteString(Name(options, nameof(DatasetsApi.ExportResult.Licences)), snapshot.Licences);
        writer.WriteNumber(Name(options, nameof(DatasetsApi.ExportResult.MemberCount)), snapshot.MemberCount);
        writer.WriteStartArray(Name(options, nameof(DatasetsApi.ExportResult.Members)));
        foreach (var member in snapshot.Members)
        {
            await WriteMemberAsync(body, options, member, ct);
            await body.SendAsync(ct); // the member leaves before the next one is read
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await body.SendAsync(ct);
    }

    /// <summary>
    /// One <see cref="DatasetsApi.ExportedMember"/>, its content (last) read, verified and sent a segment at a time.
    /// A segment that does not open throws: the answer is then aborted, never a member with a shorter content.
    /// </summary>
    private async Task WriteMemberAsync(JsonBodyWriter body, JsonSerializerOptions options, DatasetMember member, CancellationToken ct)
    {
        var submitted = submissions[member.ContributionId];
        var isErased = erased.Contains(member.ContributionId);
        // Erased since the snapshot: listed with its provenance, never with content (the store holds none anyway).
        await using var opened = isErased ? null : await contents.OpenAsync(member.ContributionId, ct);
        var writer = body.Json;
        writer.WriteStartObject();
        writer.WriteString(Name(options, nameof(DatasetsApi.ExportedMember.ContributionId)), member.ContributionId);
        writer.WriteString(Name(options, nameof(DatasetsApi.ExportedMember.ContentHash)), member.ContentHash);
        writer.WriteString(Name(options, nameof(DatasetsApi.ExportedMember.Licence)), opened?.Licence ?? submitted.Licence);
        writer.WriteString(Name(options, nameof(DatasetsApi.ExportedMember.Contributor)), submitted.Contributor);
        writer.WriteString(Name(options, nameof(DatasetsApi.ExportedMember.ContentUri)), submitted.ContentUri);
        writer.WriteBoolean(Name(options, nameof(DatasetsApi.ExportedMember.Erased)), isErased);
        writer.WritePropertyName(Name(options, nameof(DatasetsApi.ExportedMember.Content)));
        if (opened is null)
            writer.WriteNullValue();
        else
        {
            await using var segments = opened.ReadSegmentsAsync(ct).GetAsyncEnumerator(ct);
            if (await segments.MoveNextAsync())
                await body.WriteBase64Async(segments, ct);
        }
        writer.WriteEndObject();
    }

    private static string Name(JsonSerializerOptions options, string property) => options.PropertyNamingPolicy?.ConvertName(property) ?? property;
}
