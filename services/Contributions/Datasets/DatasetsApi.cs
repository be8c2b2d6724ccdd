using System.Globalization;
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

namespace CommunityAI.Contributions.Datasets;

/// <summary>
/// Datasets for model builders: an admitted builder's signed snapshot of scored, not-erased contributions, fixed by
/// an OpenZeppelin StandardMerkleTree root in the history; the snapshot and membership proofs for anyone; the content
/// with its provenance for the builder alone, by a second signed request; models trained on a snapshot
/// (<see cref="ModelsApi"/>). Every refusal is a problem naming the field,
/// and changes nothing.
/// </summary>
public static class DatasetsApi
{
    /// <summary>A recorded snapshot and its members.</summary>
    public sealed record SnapshotResult(
        string Root, string Builder, string Kind, int MinScore, string Licences, int MemberCount, IReadOnlyList<DatasetMember> Members,
        IReadOnlyList<string> LeafEncoding, DateTimeOffset SnapshottedAt);

    /// <summary>An OpenZeppelin single proof: <c>StandardMerkleTree.verify(root, leafEncoding, value, proof)</c> holds.</summary>
    public sealed record ProofResult(string Root, IReadOnlyList<string> LeafEncoding, IReadOnlyList<string> Value, string Leaf, IReadOnlyList<string> Proof);

    /// <summary>
    /// An OpenZeppelin multiproof, shaped so <c>StandardMerkleTree.verifyMultiProof(root, leafEncoding, answer)</c> holds:
    /// <paramref name="Leaves"/> are the values in the order the proof consumes them (not the request's), and
    /// <paramref name="LeafHashes"/> the same leaves hashed, in that order, for MerkleProof.multiProofVerify.
    /// </summary>
    public sealed record MultiProofResult(
        string Root, IReadOnlyList<string> LeafEncoding, IReadOnlyList<IReadOnlyList<string>> Leaves, IReadOnlyList<string> LeafHashes,
        IReadOnlyList<string> Proof, IReadOnlyList<bool> ProofFlags);

    /// <summary>One member of an export: its provenance, and its content unless erased or never stored.</summary>
    /// <param name="Content">The stored bytes (salt line included), base64; their SHA-256 is <paramref name="ContentHash"/>. Null when erased or not stored.</param>
    public sealed record ExportedMember(
        string ContributionId, string ContentHash, string? Licence, string Contributor, string ContentUri, bool Erased, string? Content);

    /// <summary>The export: the snapshot's criteria and root, and each member with its provenance (written by <see cref="DatasetExportStream"/>).</summary>
    public sealed record ExportResult(string Root, string Builder, string Kind, int MinScore, string Licences, int MemberCount, IReadOnlyList<ExportedMember> Members);

    public const string Path = "/api/datasets";

    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Path).WithTags("Datasets");
        api.MapPost("/", SnapshotAsync);
        api.MapGet("/{root}", GetAsync);
        api.MapGet("/{root}/proof/{contributionId}", ProofAsync);
        api.MapPost("/{root}/multiproof", MultiProofAsync);
        api.MapPost("/{root}/export", ExportAsync).Produces<ExportResult>(StatusCodes.Status200OK);
        api.MapModelsApi();
        return app;
    }

    public static async Task<Results<Created<SnapshotResult>, Ok<SnapshotResult>, ValidationProblem, ProblemHttpResult>> SnapshotAsync(
        DatasetSnapshotRequest request, SignedRequestCheck check, IOptions<IntakeOptions> intake, IOptions<DatasetOptions> options,
        DatasetHistory history, DatasetRecorder recorder, DatasetBuilders builders, CancellationToken ct)
    {
        var errors = new List<SigningError>();
        var builder = check.CheckFields("builder", request.Builder, request.Nonce, request.Deadline, request.Signature, intake.Value.MaxDeadlineAhead, errors);
        var fields = SigningProblems.FieldErrors(errors);
        var licences = DatasetCriteria.Check(request.Kind, request.Licences, options.Value, fields);
        if (request.MinScore is null)
            fields["minScore"] = ["is required (uint16)"];
        if (fields.Count > 0)
            return TypedResults.ValidationProblem(fields, title: "The request is malformed");
        var payload = new DatasetSnapshotPayload(builder!, request.Kind!, request.MinScore!.Value, request.Licences!, request.Nonce!.Value, request.Deadline!.Value);
        if (check.Verify(payload, request.Signature) is { } refused)
            return SigningProblems.Unauthorized(refused);
        if (!await builders.AdmitsAsync(builder!, ct))
            return Problem(StatusCodes.Status403Forbidden, "Not an admitted dataset builder", "builder", "this address is not admitted to build datasets");

        // One more than allowed is read, to tell "exactly the maximum" from "too many".
        var members = await history.SelectAsync(payload.Kind, payload.MinScore, licences, options.Value.MaxMembers + 1, ct);
        if (members.Count == 0)
            return Problem(StatusCodes.Status422UnprocessableEntity, "Nothing selected", "criteria", "no scored, not-erased contribution matches this kind, minScore and licences");
        if (members.Count > options.Value.MaxMembers)
            return Problem(StatusCodes.Status422UnprocessableEntity, "Too many members", "criteria",
                $"more than {options.Value.MaxMembers} contributions match; narrow the criteria");

        var tree = new StandardMerkleTree(members);
        var snapshot = new DatasetSnapshotted(tree.Root, builder!, payload.Kind, payload.MinScore, payload.Licences, members.Count, members,
            Decimal(payload.Nonce), (long)payload.Deadline, request.Signature!.ToLowerInvariant(), check.Now);
        return await recorder.RecordAsync(snapshot, ct) switch
        {
            DatasetRecorder.Outcome.Recorded done => TypedResults.Created($"/api/datasets/{done.Event.Root}", View(done.Event)),
            DatasetRecorder.Outcome.AlreadyRecorded same when string.Equals(same.Event.Builder, builder, StringComparison.OrdinalIgnoreCase) =>
                TypedResults.Ok(View(same.Event)),
            DatasetRecorder.Outcome.AlreadyRecorded other => Problem(StatusCodes.Status409Conflict, "Snapshot already recorded", "criteria",
                $"the same members were snapshotted as {other.Event.Root} by {other.Event.Builder}; its export is that builder's"),
            DatasetRecorder.Outcome.NonceTaken taken => Problem(StatusCodes.Status409Conflict, "Nonce already used", "nonce", taken.Reason),
            _ => throw new InvalidOperationException("unknown outcome"),
        };
    }

    public static async Task<Results<Ok<SnapshotResult>, ValidationProblem, ProblemHttpResult>> GetAsync(string root, DatasetHistory history, CancellationToken ct)
    {
        if (RootProblem(root) is { } invalid)
            return invalid;
        return await history.LoadAsync(root.ToLowerInvariant(), ct) is { } snapshot ? TypedResults.Ok(View(snapshot)) : UnknownRoot();
    }

    public static async Task<Results<Ok<ProofResult>, ValidationProblem, ProblemHttpResult>> ProofAsync(
        string root, string contributionId, DatasetHistory history, CancellationToken ct)
    {
        var fields = new Dictionary<string, string[]>();
        if (!Hex.TryDecode(root, out _, 32))
            fields["root"] = ["must be a snapshot root: 0x-prefixed hex of 32 bytes"];
        if (!Hex.TryDecode(contributionId, out _, 32))
            fields["contributionId"] = ["must be a contribution id: 0x-prefixed hex of 32 bytes"];
        if (fields.Count > 0)
            return TypedResults.ValidationProblem(fields, title: "The request is malformed");
        if (await history.LoadAsync(root.ToLowerInvariant(), ct) is not { } snapshot)
            return UnknownRoot();
        var id = contributionId.ToLowerInvariant();
        var member = snapshot.Members.FirstOrDefault(m => m.ContributionId == id);
        if (member is null)
            return Problem(StatusCodes.Status404NotFound, "Not a member", "contributionId", "this contribution is not a member of the snapshot");
        var tree = new StandardMerkleTree(snapshot.Members);
        return TypedResults.Ok(new ProofResult(snapshot.Root, StandardMerkleTree.LeafEncoding, [member.ContributionId, member.ContentHash],
            tree.Leaf(id)!, tree.Proof(id)!));
    }

    /// <summary>
    /// One proof that a set of contributions are all members, instead of one proof each. POST, not GET: a thousand ids
    /// do not fit a URL. Public, like the single proof: membership is public, content is not.
    /// </summary>
    public static async Task<Results<Ok<MultiProofResult>, ValidationProblem, ProblemHttpResult>> MultiProofAsync(
        string root, DatasetMultiProofRequest request, IOptions<DatasetOptions> options, DatasetHistory history, CancellationToken ct)
    {
        var max = options.Value.MaxMultiProofMembers;
        // Counted before anything else is read, so an oversized list costs nothing more.
        if (request.ContributionIds is { Count: var count } && count > max)
            return Problem(StatusCodes.Status413PayloadTooLarge, "Too many contributions", "contributionIds",
                $"{count} contributions named; at most {max} per multiproof");
        var fields = new Dictionary<string, string[]>();
        if (!Hex.TryDecode(root, out _, 32))
            fields["root"] = ["must be a snapshot root: 0x-prefixed hex of 32 bytes"];
        var ids = new List<string>();
        if (request.ContributionIds is not { Count: > 0 } named)
            fields["contributionIds"] = ["is required: at least one contribution id"];
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < named.Count; i++)
            {
                if (named[i] is not { } id || !Hex.TryDecode(id, out _, 32))
                    fields[$"contributionIds[{i}]"] = ["must be a contribution id: 0x-prefixed hex of 32 bytes"];
                else if (!seen.Add(id.ToLowerInvariant()))
                    fields[$"contributionIds[{i}]"] = ["is listed twice; a multiproof proves each leaf once"];
                else
                    ids.Add(id.ToLowerInvariant());
            }
        }
        if (fields.Count > 0)
            return TypedResults.ValidationProblem(fields, title: "The request is malformed");
        if (await history.LoadAsync(root.ToLowerInvariant(), ct) is not { } snapshot)
            return UnknownRoot();
        var tree = new StandardMerkleTree(snapshot.Members);
        var missing = ids.Where(id => tree.Leaf(id) is null).ToArray();
        if (missing.Length > 0)
            return Problem(StatusCodes.Status404NotFound, "Not a member", "contributionIds",
                $"not members of the snapshot: {string.Join(", ", missing.Take(10))}{(missing.Length > 10 ? $" and {missing.Length - 10} more" : "")}");
        var (members, proof) = tree.MultiProof(ids);
        return TypedResults.Ok(new MultiProofResult(snapshot.Root, StandardMerkleTree.LeafEncoding,
            members.Select(m => (IReadOnlyList<string>)[m.ContributionId, m.ContentHash]).ToArray(), proof.Leaves.Select(l => Hex.Encode(l)).ToArray(),
            proof.Proof.Select(p => Hex.Encode(p)).ToArray(), proof.ProofFlags));
    }

    public static async Task<Results<DatasetExportStream, ValidationProblem, ProblemHttpResult>> ExportAsync(
        string root, DatasetExportRequest request, SignedRequestCheck check, IOptions<IntakeOptions> intake, IOptions<DatasetOptions> options,
        DatasetHistory history, DatasetBuilders builders, ContentStore contents, IDocumentStore store, CancellationToken ct)
    {
        var errors = new List<SigningError>();
        var builder = check.CheckFields("builder", request.Builder, request.Nonce, request.Deadline, request.Signature, intake.Value.MaxDeadlineAhead, errors);
        var fields = SigningProblems.FieldErrors(errors);
        if (!Hex.TryDecode(root, out _, 32))
            fields["root"] = ["must be a snapshot root: 0x-prefixed hex of 32 bytes"];
        if (fields.Count > 0)
            return TypedResults.ValidationProblem(fields, title: "The request is malformed");
        var key = root.ToLowerInvariant();
        if (check.Verify(new DatasetExportPayload(builder!, key, request.Nonce!.Value, request.Deadline!.Value), request.Signature) is { } refused)
            return SigningProblems.Unauthorized(refused);
        if (!await builders.AdmitsAsync(builder!, ct))
            return Problem(StatusCodes.Status403Forbidden, "Not an admitted dataset builder", "builder", "this address is not admitted to build datasets");
        if (await history.LoadAsync(key, ct) is not { } snapshot)
            return UnknownRoot();
        if (!string.Equals(snapshot.Builder, builder, StringComparison.OrdinalIgnoreCase))
            return Problem(StatusCodes.Status403Forbidden, "Not the snapshot's builder", "builder", "only the builder who took the snapshot may export it");

        // The nonce is spent before any content leaves, so a captured request cannot be replayed.
        if (!await NonceBook.TakeAsync(store, "dataset-export:" + NonceUse.KeyFor(builder!, Decimal(request.Nonce.Value)), key, ct))
            return Problem(StatusCodes.Status409Conflict, "Nonce already used", "nonce", $"nonce {request.Nonce} of {builder} is already used by another dataset export");

        var ids = snapshot.Members.Select(m => m.ContributionId).ToArray();
        // Provenance for every member is small and read now; content is read one member at a time while the answer is written.
        return new DatasetExportStream(snapshot, await history.SubmissionsAsync(ids, ct), await history.ErasedAsync(ids, ct), contents);
    }

    private static SnapshotResult View(DatasetSnapshotted s) =>
        new(s.Root, s.Builder, s.Kind, s.MinScore, s.Licences, s.MemberCount, s.Members, StandardMerkleTree.LeafEncoding, s.SnapshottedAt);

    internal static ValidationProblem? RootProblem(string root) => Hex.TryDecode(root, out _, 32)
        ? null
        : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["root"] = ["must be a snapshot root: 0x-prefixed hex of 32 bytes"] },
            title: "The request is malformed");

    internal static ProblemHttpResult UnknownRoot() =>
        Problem(StatusCodes.Status404NotFound, "No such snapshot", "root", "the history holds no dataset snapshot with this root");

    private static string Decimal(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    internal static ProblemHttpResult Problem(int status, string title, string field, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["field"] = field });
}
