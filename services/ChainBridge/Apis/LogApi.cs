using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;
using CommunityAI.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CommunityAI.ChainBridge.Apis;

public static class LogApi
{
    public const int MaxEntriesPerPage = 1000;
    public const int MaxAnchorsPerPage = 1000;

    public sealed record HeadResponse(long TreeSize, string RootHash);
    public sealed record EntryResponse(long Index, string Entry, string LeafHash);
    public sealed record InclusionResponse(long LeafIndex, long TreeSize, string RootHash, string LeafHash, IReadOnlyList<string> AuditPath);
    public sealed record ConsistencyResponse(long First, long Second, string FirstRoot, string SecondRoot, IReadOnlyList<string> Proof);

    public static IEndpointRouteBuilder MapLogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/log").WithTags("Log");
        api.MapGet("/head", HeadAsync);
        api.MapGet("/entries", EntriesAsync);
        api.MapGet("/proof/inclusion", InclusionAsync);
        api.MapGet("/proof/consistency", ConsistencyAsync);
        api.MapGet("/anchors", AnchorsAsync);
        return app;
    }

    public static async Task<Ok<HeadResponse>> HeadAsync(LogStore store, CancellationToken ct)
    {
        var head = await store.ReadHeadAsync(ct);
        return TypedResults.Ok(new HeadResponse(head.TreeSize, Hex.Encode(head.RootHash)));
    }

    /// <summary>Entries [start, end): end defaults to start + 100 and is cut at the log's size; at most <see cref="MaxEntriesPerPage"/> per request.</summary>
    public static async Task<Results<Ok<IReadOnlyList<EntryResponse>>, ValidationProblem, ProblemHttpResult>> EntriesAsync(
        [FromQuery] string[]? start, [FromQuery] string[]? end, LogStore store, CancellationToken ct)
    {
        var query = new LogQuery();
        var from = query.Number("start", start, required: false) ?? 0;
        var requestedEnd = query.Number("end", end, required: false);
        if (query.IsValid && requestedEnd < from)
            query.Fail("end", $"end must not be below start ({from}): entries are [start, end)");
        if (query.IsValid && requestedEnd - from > MaxEntriesPerPage)
            query.Fail("end", $"at most {MaxEntriesPerPage} entries per request: ask for [start, start + {MaxEntriesPerPage}) and page on");
        if (!query.IsValid)
            return TypedResults.ValidationProblem(query.Errors);

        var head = await store.ReadHeadAsync(ct);
        if (from > head.TreeSize)
            return NotInLog("start", $"start {from} is beyond the log, which has {head.TreeSize} entries");
        // Like RFC 9162 get-entries, a range past the head is answered with the entries there are.
        var to = Math.Min(requestedEnd ?? from + 100, head.TreeSize);
        var entries = await store.ReadEntriesAsync(from, to, ct);
        return TypedResults.Ok<IReadOnlyList<EntryResponse>>(entries
            .Select(e => new EntryResponse(e.Index, System.Text.Encoding.UTF8.GetString(e.Entry), Hex.Encode(e.LeafHash)))
            .ToList());
    }

    /// <summary>The audit path of leaf <c>index</c> in the tree of <c>treeSize</c> leaves (default: the current head).</summary>
    public static async Task<Results<Ok<InclusionResponse>, ValidationProblem, ProblemHttpResult>> InclusionAsync(
        [FromQuery] string[]? index, [FromQuery] string[]? treeSize, LogStore store, CancellationToken ct)
    {
        var query = new LogQuery();
        var leaf = query.Number("index", index, required: true);
        var requestedSize = query.Number("treeSize", treeSize, required: false);
        if (query.IsValid && leaf >= requestedSize)
            query.Fail("index", $"index must be below treeSize ({requestedSize}): leaves are numbered from 0");
        if (!query.IsValid)
            return TypedResults.ValidationProblem(query.Errors);

        // With the size named, the nodes are known before the head: one round trip reads both.
        var at = leaf!.Value;
        static NodeId[] NodesFor(long at, long size) => [.. InclusionProof.Plan(at, size).NodeIds, .. CompactRange.NodeIdsFor(size), NodeId.Leaf(at)];
        var (head, nodes) = requestedSize is { } named
            ? await store.ReadHeadAndNodesAsync(NodesFor(at, named), ct)
            : (await store.ReadHeadAsync(ct), null);
        if (requestedSize > head.TreeSize)
            return NotInLog("treeSize", $"treeSize {requestedSize} is beyond the log, which has {head.TreeSize} entries");
        var size = requestedSize ?? head.TreeSize;
        if (at >= size)
            return NotInLog("index", $"no entry at index {leaf}: the log has {head.TreeSize} entries");

        var plan = InclusionProof.Plan(at, size);
        nodes ??= await store.ReadNodesAsync(NodesFor(at, size), ct);
        var path = plan.Build(id => nodes.GetValueOrDefault(id));
        var root = CompactRange.Restore(size, id => nodes.GetValueOrDefault(id)).RootHash();
        return TypedResults.Ok(new InclusionResponse(at, size, Hex.Encode(root), Hex.Encode(nodes[NodeId.Leaf(at)]),
            path.Select(h => Hex.Encode(h)).ToList()));
    }

    /// <summary>The RFC 9162 consistency proof between tree sizes <c>first</c> and <c>second</c>, 1 ≤ first ≤ second ≤ the log's size.</summary>
    public static async Task<Results<Ok<ConsistencyResponse>, ValidationProblem, ProblemHttpResult>> ConsistencyAsync(
        [FromQuery] string[]? first, [FromQuery] string[]? second, LogStore store, CancellationToken ct)
    {
        var query = new LogQuery();
        var older = query.Number("first", first, required: true);
        var newer = query.Number("second", second, required: true);
        // RFC 9162 §2.1.4 proves consistency between non-empty trees: every tree extends the empty one, with nothing to prove.
        if (older == 0)
            query.Fail("first", "first must be at least 1: RFC 9162 consistency proofs are between non-empty trees");
        if (query.IsValid && older > newer)
            query.Fail("first", $"first must not exceed second ({newer})");
        if (!query.IsValid)
            return TypedResults.ValidationProblem(query.Errors);

        // Both sizes are named, so the nodes are read with the head in one round trip.
        var (m, n) = (older!.Value, newer!.Value);
        var plan = ConsistencyProof.Plan(m, n);
        var (head, nodes) = await store.ReadHeadAndNodesAsync([.. plan.NodeIds, .. CompactRange.NodeIdsFor(m), .. CompactRange.NodeIdsFor(n)], ct);
        if (n > head.TreeSize)
            return NotInLog("second", $"second {n} is beyond the log, which has {head.TreeSize} entries");

        var proof = plan.Build(id => nodes.GetValueOrDefault(id));
        byte[] RootOf(long size) => CompactRange.Restore(size, id => nodes.GetValueOrDefault(id)).RootHash();
        return TypedResults.Ok(new ConsistencyResponse(m, n, Hex.Encode(RootOf(m)), Hex.Encode(RootOf(n)),
            proof.Select(h => Hex.Encode(h)).ToList()));
    }

    /// <summary>A well-formed request for what the log does not hold (yet): 404, in the same shape as a validation problem.</summary>
    private static ProblemHttpResult NotInLog(string parameter, string message) => TypedResults.Problem(
        detail: message,
        statusCode: StatusCodes.Status404NotFound,
        title: "Not in the log",
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [parameter] = [message] } });

    /// <summary>
    /// Anchored heads in tree-size order, one page at a time (default the first 100): a log anchored every
    /// period for years holds more anchors than one answer should carry.
    /// </summary>
    public static async Task<Results<Ok<IReadOnlyList<AnchorView>>, ValidationProblem>> AnchorsAsync(
        IQuerySession session, CancellationToken ct, int page = 1, int pageSize = 100)
    {
        var errors = new Dictionary<string, string[]>();
        if (PageRequest.TryCreate(page, pageSize, MaxAnchorsPerPage, errors) is not { } request)
            return TypedResults.ValidationProblem(errors, title: "Bad paging request");
        var anchors = await session.Query<AnchorView>().OrderBy(a => a.Id)
            .Skip(request.Skip).Take(request.PageSize).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<AnchorView>>(anchors);
    }
}
