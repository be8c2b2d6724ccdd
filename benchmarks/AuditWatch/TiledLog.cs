using System.Text;
using CommunityAI.Formats.Log;
using CommunityAI.Formats.Notes;
using CommunityAI.Formats.Tiles;

namespace CommunityAI.Benchmarks.AuditWatch;

/// <summary>A synthetic log held in memory with every perfect node, serving any prefix's checkpoint and tiles.</summary>
internal sealed class TiledLog
{
    private readonly List<byte[][]> _levels = [];
    private readonly NoteSigner _signer;

    public TiledLog(int size, NoteSigner signer)
    {
        _signer = signer;
        var leaves = new byte[size][];
        Parallel.For(0, size, i => leaves[i] = LogHasher.HashLeaf(Encoding.UTF8.GetBytes($"{{\"data\":{{\"n\":{i}}},\"index\":{i}}}")));
        _levels.Add(leaves);
        while (_levels[^1].Length > 1)
        {
            var below = _levels[^1];
            var above = new byte[below.Length / 2][];
            Parallel.For(0, above.Length, i => above[i] = LogHasher.HashChildren(below[2 * i], below[2 * i + 1]));
            _levels.Add(above);
        }
    }

    /// <summary>The signed checkpoint of the first <paramref name="size"/> entries.</summary>
    public string Checkpoint(long size)
    {
        var range = CompactRange.Restore(size, id => _levels[id.Level][id.Index]);
        var body = new Checkpoint(_signer.Key.Name, size, range.RootHash()).Format();
        return new SignedNote(body, [_signer.Sign(body)]).Format();
    }

    /// <summary>The tile's bytes as of a log of <paramref name="size"/> entries, or null when it does not exist then.</summary>
    public byte[]? Tile(TilePath tile, long size)
    {
        int level = (tile.Level ?? 0) * TilePath.Height;
        if (tile.Level is null || level >= _levels.Count || TileLayout.WidthAt(tile.Level.Value, tile.Index, size) < tile.Width)
            return null;
        var bytes = new byte[tile.Width * 32];
        for (int i = 0; i < tile.Width; i++)
            _levels[level][tile.Index * TilePath.FullWidth + i].CopyTo(bytes, i * 32);
        return bytes;
    }
}
