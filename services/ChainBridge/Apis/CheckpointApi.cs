using System.Text;
using CommunityAI.ChainBridge.Checkpoints;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Log;
using CommunityAI.Formats.Notes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge.Apis;

/// <summary>
/// C2SP signed checkpoints: <c>GET /checkpoint</c> is a tlog-checkpoint signed with the log's Ed25519 note key, followed
/// by the tlog-cosignature lines known witnesses have posted for that tree size: the newest head, or, with
/// <c>Checkpoints:WitnessesRequired</c> k &gt; 0, the newest size k known witnesses cosigned (the newest head while none
/// has). <c>GET /checkpoint/latest</c> is always the newest head, for monitors; <c>GET /checkpoint/witness</c> is the
/// head offered to witnesses to cosign, the same for all of them for a while (<see cref="CheckpointOffer"/>).
/// <c>POST /checkpoint/cosignature</c> takes a witness's cosigned checkpoint (the note with the witness's line).
/// </summary>
public static class CheckpointApi
{
    public const string TextPlain = "text/plain; charset=utf-8";

    // Sizes with k stored cosignatures tried, newest first, before giving up on one whose lines all verify; a row fails
    // only if the table was written around this service, so a few is plenty.
    private const int WitnessedCandidates = 4;

    /// <summary>What a posted cosignature was accepted for.</summary>
    public sealed record CosignatureAccepted(long TreeSize, IReadOnlyList<string> Witnesses);

    public static IEndpointRouteBuilder MapCheckpointApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/checkpoint", CheckpointAsync).WithTags("Checkpoints");
        app.MapGet("/checkpoint/latest", LatestCheckpointAsync).WithTags("Checkpoints");
        app.MapGet("/checkpoint/witness", WitnessCheckpointAsync).WithTags("Checkpoints");
        app.MapPost("/checkpoint/cosignature", CosignAsync).WithTags("Checkpoints");
        return app;
    }

    /// <summary>
    /// The checkpoint clients should trust: the newest tree size at least <c>Checkpoints:WitnessesRequired</c> known
    /// witnesses cosigned, or the newest head when none is required or none has enough yet (a client requiring witnesses
    /// then says why it waits). Tiles and proofs serve every size, so clients prove newer heads consistent with it.
    /// </summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> CheckpointAsync(
        LogStore log, CosignatureStore cosignatures, CheckpointSigner keys, IOptions<CheckpointOptions> options, HttpResponse response, CancellationToken ct)
    {
        if (keys.Signer is not { } signer)
            return NoKey();
        var head = await log.ReadHeadAsync(ct);
        var required = options.Value.WitnessesRequired;
        if (required > 0)
        {
            foreach (var size in await cosignatures.SizesCosignedAsync(keys.Witnesses, required, head.TreeSize, WitnessedCandidates, ct))
            {
                var body = new Checkpoint(signer.Key.Name, size, await RootAtAsync(log, size, head, ct)).Format();
                var lines = await KnownCosignaturesAsync(cosignatures, keys, size, body, ct);
                if (lines.Count >= required)
                    return Serve(signer, body, lines, response);
            }
        }
        var newest = new Checkpoint(signer.Key.Name, head.TreeSize, head.RootHash).Format();
        return Serve(signer, newest, await KnownCosignaturesAsync(cosignatures, keys, head.TreeSize, newest, ct), response);
    }

    /// <summary>The newest head whatever the witnesses did: what a witness cosigns and a monitor may follow.</summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> LatestCheckpointAsync(
        LogStore log, CosignatureStore cosignatures, CheckpointSigner keys, HttpResponse response, CancellationToken ct)
    {
        if (keys.Signer is not { } signer)
            return NoKey();
        var head = await log.ReadHeadAsync(ct);
        var body = new Checkpoint(signer.Key.Name, head.TreeSize, head.RootHash).Format();
        return Serve(signer, body, await KnownCosignaturesAsync(cosignatures, keys, head.TreeSize, body, ct), response);
    }

    /// <summary>The head offered to witnesses: one size for all of them until the cadence has passed and the log has grown.</summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> WitnessCheckpointAsync(
        LogStore log, CosignatureStore cosignatures, CheckpointSigner keys, CheckpointOffer offer, HttpResponse response, CancellationToken ct)
    {
        if (keys.Signer is not { } signer)
            return NoKey();
        var head = await log.ReadHeadAsync(ct);
        var size = await offer.SizeAsync(head.TreeSize, ct);
        var body = new Checkpoint(signer.Key.Name, size, await RootAtAsync(log, size, head, ct)).Format();
        return Serve(signer, body, await KnownCosignaturesAsync(cosignatures, keys, size, body, ct), response);
    }

    /// <summary>
    /// The stored cosignatures of <paramref name="body"/> that verify under a configured witness key, one per witness:
    /// a witness no longer configured, or a row written around this service, vouches for nothing served.
    /// </summary>
    private static async Task<List<NoteSignature>> KnownCosignaturesAsync(CosignatureStore cosignatures, CheckpointSigner keys, long size, string body, CancellationToken ct) =>
        (await cosignatures.ReadAsync(size, ct))
            .Where(s => keys.Witnesses.Any(w => Cosignature.Verify(w, body, s)))
            .DistinctBy(s => (s.Name, s.KeyHash))
            .ToList();

    private static ContentHttpResult Serve(NoteSigner signer, string body, List<NoteSignature> cosignatures, HttpResponse response)
    {
        // Ed25519 is deterministic: an older size signed again is byte for byte the checkpoint signed when it was the head.
        var note = new SignedNote(body, [signer.Sign(body), .. cosignatures]);
        // A checkpoint is replaced by a newer one at any moment: clients must always ask again.
        response.Headers.CacheControl = "no-cache";
        return TypedResults.Text(note.Format(), TextPlain, Encoding.UTF8);
    }

    /// <summary>
    /// Accepts a checkpoint of this log cosigned by known witnesses: 400 when the note is malformed, 403 when no line is a
    /// valid cosignature by a known witness, 409 when the checkpoint is not this log's head at that size (a split view
    /// the witness was shown, or a head it invented), 200 with the witnesses whose cosignatures were stored.
    /// </summary>
    public static async Task<Results<Ok<CosignatureAccepted>, ProblemHttpResult>> CosignAsync(
        HttpRequest request, LogStore log, CosignatureStore cosignatures, CheckpointSigner keys, CancellationToken ct)
    {
        if (keys.Signer is not { } signer)
            return NoKey();
        var body = await ReadBodyAsync(request, ct);
        if (body is null)
            return Problem(400, "Malformed cosignature", $"the body must be a signed note of at most {SignedNote.MaxBytes} bytes");
        if (!SignedNote.TryParse(body, out var note, out var error))
            return Problem(400, "Malformed cosignature", error);
        if (!Checkpoint.TryParse(note.Text, out var checkpoint, out error))
            return Problem(400, "Malformed cosignature", error);

        var valid = note.Signatures
            .Where(s => keys.Witnesses.Any(w => Cosignature.Verify(w, note.Text, s)))
            .DistinctBy(s => (s.Name, s.KeyHash))
            .ToList();
        if (valid.Count == 0)
            return Problem(403, "No known witness cosigned", "no signature line is a valid cosignature/v1 by a configured witness key");

        var head = await log.ReadHeadAsync(ct);
        if (checkpoint.Origin != signer.Key.Name || checkpoint.TreeSize > head.TreeSize || checkpoint.TreeSize < 1)
            return Problem(409, "Not this log's checkpoint", $"this log is {signer.Key.Name} with {head.TreeSize} entries; the cosigned checkpoint is {checkpoint.Origin} at {checkpoint.TreeSize}");
        var root = await RootAtAsync(log, checkpoint.TreeSize, head, ct);
        if (!root.AsSpan().SequenceEqual(checkpoint.RootHash) || checkpoint.Extensions.Count > 0)
            return Problem(409, "Not this log's checkpoint", $"the cosigned checkpoint of size {checkpoint.TreeSize} differs from this log's head of that size");

        await cosignatures.SaveVerifiedAsync(checkpoint.TreeSize, valid, ct);
        return TypedResults.Ok(new CosignatureAccepted(checkpoint.TreeSize, valid.Select(v => v.Name).ToList()));
    }

    private static async Task<byte[]> RootAtAsync(LogStore log, long size, LogHead head, CancellationToken ct)
    {
        if (size == head.TreeSize)
            return head.RootHash;
        var nodes = await log.ReadNodesAsync(CompactRange.NodeIdsFor(size), ct);
        return CompactRange.Restore(size, id => nodes.GetValueOrDefault(id)).RootHash();
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > SignedNote.MaxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static ProblemHttpResult NoKey() =>
        Problem(503, "No checkpoint key", "this bridge has no Checkpoints:SigningKey configured, so it signs no checkpoints");

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(
        detail: detail, statusCode: status, title: title,
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["body"] = [detail] } });
}
