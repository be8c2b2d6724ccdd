using CommunityAI.Formats.Log;

namespace CommunityAI.Formats.Tiles;

/// <summary>
/// Where the hashes of a tree of a given size live in tlog-tiles: tile (L, N) holds the perfect nodes of tree level 8·L
/// with indexes 256·N to 256·N + W − 1, and any perfect node of the tree is those of one tile hashed up.
/// </summary>
public static class TileLayout
{
    /// <summary>The tile (with the width a tree of <paramref name="treeSize"/> has) holding node <paramref name="node"/>'s descendants at the tile's level.</summary>
    public static TilePath TileFor(NodeId node, long treeSize)
    {
        int level = node.Level / TilePath.Height;
        int below = node.Level - level * TilePath.Height;
        long first = node.Index << below; // first node at the tile's base level
        long index = first / TilePath.FullWidth;
        return new TilePath(level, index, WidthAt(level, index, treeSize));
    }

    /// <summary>The width tile (<paramref name="level"/>, <paramref name="index"/>) has in a tree of <paramref name="treeSize"/> leaves (0 when it does not exist yet).</summary>
    public static int WidthAt(int level, long index, long treeSize)
    {
        long nodes = level * TilePath.Height >= 63 ? 0 : treeSize >> (level * TilePath.Height);
        return (int)Math.Clamp(nodes - index * TilePath.FullWidth, 0, TilePath.FullWidth);
    }

    /// <summary>The hash of perfect node <paramref name="node"/> from the tile holding it (its concatenated 32-byte hashes).</summary>
    /// <exception cref="InvalidDataException">The tile is too short for the node.</exception>
    public static byte[] NodeHash(NodeId node, ReadOnlySpan<byte> tile)
    {
        int below = node.Level % TilePath.Height;
        long first = (node.Index << below) % TilePath.FullWidth;
        int count = 1 << below;
        if ((first + count) * LogHasher.HashSize > tile.Length)
            throw new InvalidDataException($"tile of {tile.Length / LogHasher.HashSize} hashes is too short for node {node}");
        var hashes = new byte[count][];
        for (int i = 0; i < count; i++)
            hashes[i] = tile.Slice((int)(first + i) * LogHasher.HashSize, LogHasher.HashSize).ToArray();
        for (; count > 1; count /= 2)
            for (int i = 0; i < count / 2; i++)
                hashes[i] = LogHasher.HashChildren(hashes[2 * i], hashes[2 * i + 1]);
        return hashes[0];
    }
}
