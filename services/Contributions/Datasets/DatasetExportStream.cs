using System.Buffers;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Datasets;

/// <summary>
/// The export's answer, written member by member: each member's content is read, decrypted, written and flushed before
/// the next is read, so exporting a snapshot of many large texts holds one at a time, not all of them. The bytes are
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

        // One writer into one reused buffer, copied to the body after each member: the buffer grows to the largest member
        // once, where writing to the body's PipeWriter directly would take a fresh unpooled array for every large member,
        // and writing to its Stream would flush synchronously.
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented });
        var body = httpContext.Response.Body;
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
            JsonSerializer.Serialize(writer, await ExportedAsync(member, ct), options);
            await SendAsync(writer, buffer, body, ct); // the member leaves before the next one is read
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await SendAsync(writer, buffer, body, ct);
    }

    private static async Task SendAsync(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, Stream body, CancellationToken ct)
    {
        writer.Flush();
        await body.WriteAsync(buffer.WrittenMemory, ct);
        await body.FlushAsync(ct);
        buffer.ResetWrittenCount();
    }

    private async Task<DatasetsApi.ExportedMember> ExportedAsync(DatasetMember member, CancellationToken ct)
    {
        var submitted = submissions[member.ContributionId];
        var isErased = erased.Contains(member.ContributionId);
        // Erased since the snapshot: listed with its provenance, never with content (the store holds none anyway).
        var opened = isErased ? null : await contents.ReadAsync(member.ContributionId, ct);
        return new DatasetsApi.ExportedMember(member.ContributionId, member.ContentHash, opened?.Licence ?? submitted.Licence, submitted.Contributor,
            submitted.ContentUri, isErased, opened is null ? null : Convert.ToBase64String(opened.Content));
    }

    private static string Name(JsonSerializerOptions options, string property) => options.PropertyNamingPolicy?.ConvertName(property) ?? property;
}
