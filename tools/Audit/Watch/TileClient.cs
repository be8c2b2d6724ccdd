using System.Net;
using CommunityAI.Formats.Log;
using CommunityAI.Formats.Tiles;

namespace CommunityAI.Audit.Watch;

/// <summary>
/// Fetches a log's checkpoint and tlog-tiles over HTTP. Full tiles never change, so each is fetched once and kept;
/// a partial tile the log no longer serves is read from its full tile, as tlog-tiles tells clients to.
/// </summary>
internal sealed class TileClient(HttpClient http, Uri baseUrl)
{
    // Full tiles are immutable; keeping them bounds what a long-running monitor downloads to the log's growth.
    private readonly Dictionary<(int, long), byte[]> _fullTiles = [];

    public long TilesFetched { get; private set; }

    public long BytesFetched { get; private set; }

    /// <summary>The checkpoint clients trust: with the log's witness requirement, the newest head enough witnesses cosigned.</summary>
    public const string WitnessedCheckpoint = "checkpoint";

    /// <summary>The newest head whatever the witnesses did: what a monitor follows.</summary>
    public const string LatestCheckpoint = "checkpoint/latest";

    /// <summary>The head the log offers its witnesses, the same to all of them for a while: what a witness cosigns.</summary>
    public const string OfferedCheckpoint = "checkpoint/witness";

    public Uri BaseUrl => baseUrl;

    /// <param name="path"><see cref="WitnessedCheckpoint"/>, <see cref="LatestCheckpoint"/> or <see cref="OfferedCheckpoint"/>.</param>
    public async Task<byte[]> CheckpointAsync(string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, path), ct);
        if (!response.IsSuccessStatusCode)
            throw Unanswered(response, $"GET {baseUrl}{path} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    /// <summary>The hashes of tile <paramref name="tile"/> as a tree of the tile's width sees it (at least that many).</summary>
    public async Task<byte[]> HashTileAsync(TilePath tile, CancellationToken ct)
    {
        var level = tile.Level ?? throw new ArgumentException("an entry bundle is not a hash tile", nameof(tile));
        if (_fullTiles.TryGetValue((level, tile.Index), out var cached))
            return cached;
        var full = tile with { Width = TilePath.FullWidth };
        if (!tile.IsPartial)
            return _fullTiles[(level, tile.Index)] = await FetchAsync(full, ct) ?? throw Missing(full);
        var partial = await FetchAsync(tile, ct);
        if (partial is not null)
            return partial;
        var whole = await FetchAsync(full, ct) ?? throw Missing(tile);
        return _fullTiles[(level, tile.Index)] = whole;
    }

    /// <summary>
    /// The <paramref name="width"/> entries of entry bundle <paramref name="index"/>; a partial bundle the log no longer
    /// serves (it has grown) is read from the full one.
    /// </summary>
    public async Task<List<byte[]>> EntryBundleAsync(long index, int width, CancellationToken ct)
    {
        var tile = new TilePath(null, index, width);
        var bytes = await FetchBytesAsync(tile, ct);
        if (bytes is null && tile.IsPartial)
            bytes = await FetchBytesAsync(tile with { Width = TilePath.FullWidth }, ct);
        if (bytes is null)
            throw Missing(tile);
        var entries = new List<byte[]>(width);
        int at = 0;
        while (entries.Count < width)
        {
            if (at + 2 > bytes.Length)
                throw new WatchException($"{tile} holds {entries.Count} entries, expected {width}");
            int length = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at));
            if (at + 2 + length > bytes.Length)
                throw new WatchException($"{tile} ends inside entry {index * TilePath.FullWidth + entries.Count}");
            entries.Add(bytes.AsSpan(at + 2, length).ToArray());
            at += 2 + length;
        }
        return entries;
    }

    /// <summary>Feeds the first <paramref name="size"/> entries of the log, in order, bundle by bundle.</summary>
    public async Task ForEachEntryAsync(long size, Action<long, byte[]> onEntry, Action<long> progress, CancellationToken ct)
    {
        for (long bundle = 0; bundle * TilePath.FullWidth < size; bundle++)
        {
            long start = bundle * TilePath.FullWidth;
            var entries = await EntryBundleAsync(bundle, (int)Math.Min(TilePath.FullWidth, size - start), ct);
            for (int i = 0; i < entries.Count; i++)
                onEntry(start + i, entries[i]);
            progress(entries.Count);
        }
    }

    private async Task<byte[]?> FetchAsync(TilePath tile, CancellationToken ct)
    {
        var bytes = await FetchBytesAsync(tile, ct);
        if (bytes is not null && bytes.Length != tile.Width * LogHasher.HashSize)
            throw new WatchException($"{tile} has {bytes.Length} bytes, expected {tile.Width * LogHasher.HashSize}");
        return bytes;
    }

    private async Task<byte[]?> FetchBytesAsync(TilePath tile, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, tile.ToString()), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (!response.IsSuccessStatusCode)
            throw Unanswered(response, $"GET {baseUrl}{tile} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        TilesFetched++;
        BytesFetched += bytes.Length;
        return bytes;
    }

    private WatchException Missing(TilePath tile) => new($"the log at {baseUrl} does not serve {tile}");

    /// <summary>
    /// A server error (5xx) is the log not answering, as a refused connection is (the watch tries again); any other status
    /// is the log answering wrongly.
    /// </summary>
    private static Exception Unanswered(HttpResponseMessage response, string message) =>
        (int)response.StatusCode >= 500 ? new HttpRequestException(message, null, response.StatusCode) : new WatchException(message);
}
