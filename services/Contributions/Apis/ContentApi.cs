using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Signing;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Apis;

/// <summary>
/// The encrypted content store's two doors: a signed read by an assigned validator during the review, and a signed
/// erasure by the contributor. Both are POSTs with an EIP-712 body, checked by the one signed-request check; every
/// refusal is a problem naming the field, and changes nothing.
/// </summary>
public static partial class ContentApi
{
    /// <summary>A contribution's content with the licence it travels under.</summary>
    /// <param name="Content">The stored bytes (salt line included), base64; their SHA-256 is <paramref name="ContentHash"/>.</param>
    public sealed record ContentResult(string ContributionId, string ContentHash, string Licence, string Content);

    /// <summary>Answer to an erasure: what the history now records.</summary>
    public sealed record ErasureResult(string ContributionId, DateTimeOffset ErasedAt);

    public static IEndpointRouteBuilder MapContentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/contributions/{id}").WithTags("Content");
        api.MapPost("/content", ReadAsync).Produces<ContentResult>(StatusCodes.Status200OK);
        api.MapPost("/erasure", EraseAsync);
        return app;
    }

    /// <remarks>The 200 answer is a <see cref="ContentResult"/>, written a segment at a time by <see cref="ContentReadStream"/>.</remarks>
    public static async Task<Results<ContentReadStream, ValidationProblem, ProblemHttpResult>> ReadAsync(
        string id, ContentReadRequest request, SignedRequestCheck check, IOptions<IntakeOptions> options, ContentFacts history,
        ContentStore contents, ContentReadGate gate, IDocumentStore store, ILogger<ContentReadStream> logger, CancellationToken ct)
    {
        var errors = new List<SigningError>();
        var reader = check.CheckFields("reader", request.Reader, request.Nonce, request.Deadline, request.Signature, options.Value.MaxDeadlineAhead, errors);
        if (Invalid(id, errors) is { } invalid)
            return invalid;
        var contributionId = id.ToLowerInvariant();
        if (check.Verify(new ContentReadPayload(reader!, contributionId, request.Nonce!.Value, request.Deadline!.Value), request.Signature) is { } refused)
            return SigningProblems.Unauthorized(refused);

        var facts = await history.LoadAsync(contributionId, ct);
        if (facts.Submitted is null)
            return Problem(StatusCodes.Status404NotFound, "No such contribution", "id", "the history holds no contribution with this id");
        if (facts.Erased)
            return Problem(StatusCodes.Status410Gone, "Content erased", "id", "the contributor erased this contribution's content");
        if (ReviewerAccess.Refusal(reader!, facts.Assignments, facts.Scored, check.Now) is { } rule)
            return Problem(StatusCodes.Status403Forbidden, "Not allowed to read this content", "reader", rule);

        // Before the nonce is spent, so a read refused here can be sent again as it is.
        var lease = gate.TryEnter(reader!);
        if (lease is null)
            return Problem(StatusCodes.Status429TooManyRequests, "Too many reads at once", "reader",
                $"at most {ContentReadGate.PerReader} reads of one reader, and a bounded number in all, stream at once; send it again when one has finished");
        StoredContent? opened = null;
        IAsyncEnumerator<ReadOnlyMemory<byte>>? segments = null;
        try
        {
            // The nonce is spent before the content leaves, so a captured request cannot be replayed.
            if (!await NonceBook.TakeAsync(store, "content-read:" + NonceUse.KeyFor(reader!, Decimal(request.Nonce.Value)), contributionId, ct))
                return Problem(StatusCodes.Status409Conflict, "Nonce already used", "nonce", $"nonce {request.Nonce} of {reader} is already used by another content read");
            opened = await contents.OpenAsync(contributionId, ct);
            if (opened is null)
                return Problem(StatusCodes.Status404NotFound, "No stored content", "id", "this contribution's content was not sent inline, so the store holds none");
            // The first segment is verified before the answer starts, so a row that does not open gets a problem, not a 200.
            segments = opened.ReadSegmentsAsync(ct).GetAsyncEnumerator(ct);
            await segments.MoveNextAsync();
            var answer = new ContentReadStream(facts.Submitted.ContentHash, opened, segments, lease, logger);
            (opened, segments, lease) = (null, null, null); // the answer reads the rest and disposes them
            return answer;
        }
        catch (CryptographicException e)
        {
            LogUnreadable(logger, contributionId, e.Message);
            return Problem(StatusCodes.Status500InternalServerError, "Stored content does not open", "id",
                "this contribution's stored content failed its integrity check; nothing of it is answered");
        }
        finally
        {
            if (segments is not null)
                await segments.DisposeAsync();
            if (opened is not null)
                await opened.DisposeAsync();
            lease?.Dispose();
        }
    }

    public static async Task<Results<Ok<ErasureResult>, ValidationProblem, ProblemHttpResult>> EraseAsync(
        string id, ErasureRequest request, SignedRequestCheck check, IOptions<IntakeOptions> options, ContentFacts history,
        ContentEraser eraser, CancellationToken ct)
    {
        var errors = new List<SigningError>();
        var contributor = check.CheckFields("contributor", request.Contributor, request.Nonce, request.Deadline, request.Signature,
            options.Value.MaxDeadlineAhead, errors);
        if (Invalid(id, errors) is { } invalid)
            return invalid;
        var contributionId = id.ToLowerInvariant();
        if (check.Verify(new ErasurePayload(contributor!, contributionId, request.Nonce!.Value, request.Deadline!.Value), request.Signature) is { } refused)
            return SigningProblems.Unauthorized(refused);

        var facts = await history.LoadAsync(contributionId, ct);
        if (facts.Submitted is null)
            return Problem(StatusCodes.Status404NotFound, "No such contribution", "id", "the history holds no contribution with this id");
        if (!string.Equals(facts.Submitted.Contributor, contributor, StringComparison.OrdinalIgnoreCase))
            return Problem(StatusCodes.Status403Forbidden, "Not the contributor", "contributor", "only the contribution's own contributor may erase it");

        var erased = new ContributionErased(contributionId, contributor!, Decimal(request.Nonce.Value), (long)request.Deadline.Value,
            request.Signature!.ToLowerInvariant(), check.Now);
        return await eraser.EraseAsync(erased, ct) switch
        {
            ContentEraser.Outcome.Erased done => TypedResults.Ok(new ErasureResult(contributionId, done.Event.ErasedAt)),
            ContentEraser.Outcome.NonceTaken taken => Problem(StatusCodes.Status409Conflict, "Nonce already used", "nonce", taken.Reason),
            _ when facts.Erased => Problem(StatusCodes.Status410Gone, "Content erased", "id", "this contribution's content is already erased"),
            _ => Problem(StatusCodes.Status404NotFound, "No stored content", "id", "this contribution's content was not sent inline, so there is nothing to erase"),
        };
    }

    private static ValidationProblem? Invalid(string id, List<SigningError> errors)
    {
        var fields = SigningProblems.FieldErrors(errors);
        if (!Hex.TryDecode(id, out _, 32))
            fields["id"] = ["must be a contribution id: 0x-prefixed hex of 32 bytes"];
        return fields.Count == 0 ? null : TypedResults.ValidationProblem(fields, title: "The request is malformed");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored content of {ContributionId} does not open, read refused: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string contributionId, string reason);

    private static string Decimal(ulong value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ProblemHttpResult Problem(int status, string title, string field, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["field"] = field });
}
