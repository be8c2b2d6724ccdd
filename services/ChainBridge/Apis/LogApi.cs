using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.ChainBridge.Apis;

public static class LogApi
{
    public const int MaxEntriesPerPage = 1000;

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

    public static async Task<Results<Ok<IReadOnlyList<EntryResponse>>, ValidationProblem>> EntriesAsync(
        long? start, long? end, LogStore store, CancellationToken ct)
    {
        var head = await store.ReadHeadAsync(ct);
        var from = start ?? 0;
        var to = Math.Min(end ?? Math.Min(head.TreeSize, from + 100), head.TreeSize);
        if (from < 0 || to < from || to - from > MaxEntriesPerPage)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["start"] = [$"need 0 <= start <= end <= treeSize ({head.TreeSize}) and at most {MaxEntriesPerPage} entries per page"],
            });
        var entries = await store.ReadEntriesAsync(from, to, ct);
        return TypedResults.Ok<IReadOnlyList<EntryResponse>>(entries
            .Select(e => new EntryResponse(e.Index, System.Text.Encoding.UTF8.GetString(e.Entry), Hex.Encode(e.LeafHash)))
            .ToList());
    }

    public static async Task<Results<Ok<InclusionResponse>, ValidationProblem>> InclusionAsync(
        long? index, long? treeSize, LogStore store, CancellationToken ct)
    {
        var head = await store.ReadHeadAsync(ct);
        var size = treeSize ?? head.TreeSize;
        if (index is not { } leaf || leaf < 0 || size > head.TreeSize || leaf >= size)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["index"] = [$"need 0 <= index < treeSize <= {head.TreeSize}"],
            });
        var plan = InclusionProof.Plan(leaf, size);
        var nodes = await store.ReadNodesAsync([.. plan.NodeIds, .. CompactRange.NodeIdsFor(size), NodeId.Leaf(leaf)], ct);
        var path = plan.Build(id => nodes.GetValueOrDefault(id));
        var root = CompactRange.Restore(size, id => nodes.GetValueOrDefault(id)).RootHash();
        return TypedResults.Ok(new InclusionResponse(leaf, size, Hex.Encode(root), Hex.Encode(nodes[NodeId.Leaf(leaf)]),
            path.Select(h => Hex.Encode(h)).ToList()));
    }

    public static async Task<Results<Ok<ConsistencyResponse>, ValidationProblem>> ConsistencyAsync(
        long? first, long? second, LogStore store, CancellationToken ct)
    {
        var head = await store.ReadHeadAsync(ct);
        if (first is not { } m || second is not { } n || m < 1 || m > n || n > head.TreeSize)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["first"] = [$"need 1 <= first <= second <= {head.TreeSize}"],
            });
        var plan = ConsistencyProof.Plan(m, n);
        var nodes = await store.ReadNodesAsync([.. plan.NodeIds, .. CompactRange.NodeIdsFor(m), .. CompactRange.NodeIdsFor(n)], ct);
        var proof = plan.Build(id => nodes.GetValueOrDefault(id));
        byte[] RootOf(long size) => CompactRange.Restore(size, id => nodes.GetValueOrDefault(id)).RootHash();
        return TypedResults.Ok(new ConsistencyResponse(m, n, Hex.Encode(RootOf(m)), Hex.Encode(RootOf(n)),
            proof.Select(h => Hex.Encode(h)).ToList()));
    }

    public static async Task<Ok<IReadOnlyList<AnchorView>>> AnchorsAsync(IQuerySession session, CancellationToken ct)
    {
        var anchors = await session.Query<AnchorView>().OrderBy(a => a.TreeSize).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<AnchorView>>(anchors);
    }
}
