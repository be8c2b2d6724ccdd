using System.Buffers.Binary;
using CommunityAI.ChainBridge.Checkpoints;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Tiles;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.ChainBridge.Apis;

/// <summary>
/// C2SP tlog-tiles over the log's tables: <c>/tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c> hash tiles and
/// <c>/tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c> bundles of canonical entries, each prefixed with its length as a
/// big-endian uint16. A tile's contents never change once it exists, so every tile is served as cacheable forever.
/// </summary>
public static class TileApi
{
    public const string Immutable = "public, max-age=31536000, immutable";

    public static IEndpointRouteBuilder MapTileApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/tile/{**path}", TileAsync).WithTags("Checkpoints");
        return app;
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> TileAsync(
        string? path, LogStore log, TileStore tiles, HttpResponse response, CancellationToken ct)
    {
        if (!TilePath.TryParse(path ?? "", out var tile, out var error))
            return Problem(400, "Not a tile path", error);
        var head = await log.ReadHeadAsync(ct);
        int available = TileLayout.WidthAt(tile.Level ?? 0, tile.Index, head.TreeSize);
        if (available < tile.Width)
            return Problem(404, "No such tile yet", $"{tile} needs {tile.Width} {(tile.Level is null ? "entries" : "hashes")}; the log of {head.TreeSize} entries has {available} there");

        long start = tile.Index * TilePath.FullWidth;
        byte[]? content = tile.Level is { } level
            ? await tiles.ReadHashesAsync(level * TilePath.Height, start, tile.Width, ct)
            : Bundle(await tiles.ReadEntriesAsync(start, tile.Width, ct));
        if (content is null)
            throw new InvalidOperationException($"{tile} is covered by the head of size {head.TreeSize} but its rows are missing");
        response.Headers.CacheControl = Immutable;
        return TypedResults.File(content, "application/octet-stream");
    }

    private static byte[]? Bundle(IReadOnlyList<byte[]>? entries)
    {
        if (entries is null)
            return null;
        var bundle = new byte[entries.Sum(e => 2 + e.Length)];
        int at = 0;
        foreach (var e in entries)
        {
            if (e.Length > ushort.MaxValue)
                throw new InvalidOperationException($"an entry of {e.Length} bytes does not fit a tlog-tiles bundle (at most {ushort.MaxValue})");
            BinaryPrimitives.WriteUInt16BigEndian(bundle.AsSpan(at), (ushort)e.Length);
            e.CopyTo(bundle, at + 2);
            at += 2 + e.Length;
        }
        return bundle;
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(
        detail: detail, statusCode: status, title: title,
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["path"] = [detail] } });
}
