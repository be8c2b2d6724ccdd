using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Signing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using static CommunityAI.Contributions.Apis.IntakeAnswers;

namespace CommunityAI.Contributions.Apis;

/// <summary>
/// Content too large to send inline, uploaded in parts: a signed <c>ContentUpload</c> opens the upload and fixes every
/// part's SHA-256, parts arrive in any order (each checked against its signed hash; sending one again is harmless), and
/// the signed <c>Contribution</c> naming the upload (POST /api/contributions with <c>upload</c>) completes it. A signed
/// <c>Erasure</c> over the upload's id deletes an upload not yet completed.
/// </summary>
public static class UploadsApi
{
    public const string Path = "/api/uploads";

    /// <summary>Answer to an opened upload: its id (the EIP-712 digest of the signed ContentUpload) and how to fill it.</summary>
    public sealed record UploadOpened(string UploadId, int Parts, int PartSize, DateTimeOffset ExpiresAt);

    /// <summary>Answer to a stored part.</summary>
    public sealed record PartStored(string UploadId, int Index, bool StoredBefore);

    /// <summary>Answer to an erased upload.</summary>
    public sealed record UploadErased(string UploadId, DateTimeOffset ErasedAt);

    public static IEndpointRouteBuilder MapUploadsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Path).WithTags("Uploads");
        api.MapPost("/", OpenAsync)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/{id}", GetAsync);
        api.MapPut("/{id}/parts/{index:int}", PutPartAsync)
            .Accepts<byte[]>("application/octet-stream").ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/{id}/erasure", EraseAsync);
        return app;
    }

    public static async Task<Results<Created<UploadOpened>, ValidationProblem, ProblemHttpResult>> OpenAsync(
        OpenUploadRequest request, UploadStore uploads, IOptions<IntakeOptions> options, SignedRequestCheck check, CancellationToken ct)
    {
        switch (UploadOpening.Decide(request, options.Value, check))
        {
            case UploadOpening.Decision.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors, title: "The upload request is malformed");
            case UploadOpening.Decision.TooLarge large:
                return Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large", large.Field, large.Detail);
            case UploadOpening.Decision.Unsigned unsigned:
                return SigningProblems.Unauthorized(unsigned.Error);
            case UploadOpening.Decision.Accept(var plan, var nonce):
                return await uploads.OpenAsync(plan, nonce, options.Value, check.Now, ct) switch
                {
                    UploadStore.OpenOutcome.Opened opened => TypedResults.Created($"{Path}/{plan.UploadId}",
                        new UploadOpened(plan.UploadId, plan.Parts, plan.PartSize, opened.ExpiresAt)),
                    UploadStore.OpenOutcome.NonceTaken taken => Problem(StatusCodes.Status409Conflict, "Nonce already used", "nonce", taken.Reason),
                    UploadStore.OpenOutcome.OverLimit over => Problem(StatusCodes.Status429TooManyRequests, "Too many uploads in flight", "contributor", over.Detail),
                    _ => throw new InvalidOperationException("unknown open outcome"),
                };
            default:
                throw new InvalidOperationException("unknown upload decision");
        }
    }

    /// <summary>Which parts are in, so an interrupted client sends only the missing ones.</summary>
    public static async Task<Results<Ok<UploadStore.Status>, NotFound>> GetAsync(string id, UploadStore uploads, CancellationToken ct) =>
        await uploads.StatusAsync(id.ToLowerInvariant(), ct) is { } status ? TypedResults.Ok(status) : TypedResults.NotFound();

    /// <summary>
    /// One part, as the raw body, with its SHA-256 in an RFC 9530 <c>Content-Digest: sha-256=:…:</c> header: a body that
    /// does not match its digest was damaged on the way (400); one whose digest is not the signed part hash is refused (409).
    /// </summary>
    public static async Task<Results<Created<PartStored>, Ok<PartStored>, ProblemHttpResult>> PutPartAsync(
        string id, int index, HttpRequest request, UploadStore uploads, IOptions<IntakeOptions> options, SignedRequestCheck check, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Hex.TryDecode(id, out _, 32))
            return Problem(StatusCodes.Status400BadRequest, "Malformed upload id", "id", "must be an upload id: 0x-prefixed hex of 32 bytes");
        if (!ContentDigest.TryParseSha256(request.Headers["Content-Digest"], out var digest))
            return Problem(StatusCodes.Status400BadRequest, "Part digest missing", "Content-Digest",
                "is required: the part's SHA-256 as an RFC 9530 header, sha-256=:<base64>:");
        var max = options.Value.MaxPartBytes;
        var body = await ReadBoundedAsync(request.Body, max, ct);
        if (body is null)
            return Problem(StatusCodes.Status413PayloadTooLarge, "Part too large", "body", $"a part holds at most {max} bytes");
        if (!System.Security.Cryptography.SHA256.HashData(body).AsSpan().SequenceEqual(digest))
            return Problem(StatusCodes.Status400BadRequest, "Part damaged", "Content-Digest", "the body's SHA-256 is not the one its Content-Digest header names");

        var uploadId = id.ToLowerInvariant();
        return await uploads.PutPartAsync(uploadId, index, body, check.Now, ct) switch
        {
            UploadStore.PartOutcome.Stored { Before: false } => TypedResults.Created($"{Path}/{uploadId}/parts/{index}", new PartStored(uploadId, index, false)),
            UploadStore.PartOutcome.Stored => TypedResults.Ok(new PartStored(uploadId, index, true)),
            UploadStore.PartOutcome.Refused refused => Problem(refused.Status, refused.Title, refused.Field, refused.Detail),
            _ => throw new InvalidOperationException("unknown part outcome"),
        };
    }

    /// <summary>A signed <c>Erasure</c> whose <c>contributionId</c> is the upload's id: its key and parts are deleted.</summary>
    public static async Task<Results<Ok<UploadErased>, ValidationProblem, ProblemHttpResult>> EraseAsync(
        string id, ErasureRequest request, UploadStore uploads, IOptions<IntakeOptions> options, SignedRequestCheck check, CancellationToken ct)
    {
        var errors = new List<SigningError>();
        var contributor = check.CheckFields("contributor", request.Contributor, request.Nonce, request.Deadline, request.Signature,
            options.Value.MaxDeadlineAhead, errors);
        var fields = SigningProblems.FieldErrors(errors);
        if (!Hex.TryDecode(id, out _, 32))
            fields["id"] = ["must be an upload id: 0x-prefixed hex of 32 bytes"];
        if (fields.Count > 0)
            return TypedResults.ValidationProblem(fields, title: "The request is malformed");
        var uploadId = id.ToLowerInvariant();
        if (check.Verify(new ErasurePayload(contributor!, uploadId, request.Nonce!.Value, request.Deadline!.Value), request.Signature) is { } refused)
            return SigningProblems.Unauthorized(refused);

        var nonce = request.Nonce.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await uploads.EraseAsync(uploadId, contributor!, nonce, ct) switch
        {
            UploadStore.EraseOutcome.Erased => TypedResults.Ok(new UploadErased(uploadId, check.Now)),
            UploadStore.EraseOutcome.Refused no => Problem(no.Status, no.Title, no.Field, no.Detail),
            _ => throw new InvalidOperationException("unknown erasure outcome"),
        };
    }

    /// <summary>The whole body when it holds at most <paramref name="max"/> bytes; null, having read no more than one byte past, when longer.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, max + 1L - buffer.Length)), ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
                return null;
        }
        return buffer.ToArray();
    }
}
