using System.Numerics;

namespace CommunityAI.Formats.Log;

/// <summary>
/// The right edge of the log [0, <see cref="Size"/>): one perfect subtree hash per set bit of the
/// size, largest first. Enough to append the next leaf and to compute the root, in O(log n) memory.
/// </summary>
/// <remarks>
/// Immutable, so that a service can append a batch, store the completed nodes, and only adopt the
/// new range once the store has committed: a failed write leaves the old range intact.
/// A restarted service gets the same range back with <see cref="Restore"/>.
/// </remarks>
public sealed class CompactRange
{
    // Hashes of the perfect subtrees returned by NodeIdsFor(Size), in the same order. Never shared
    // with callers, so nobody can change them under us.
    private readonly byte[][] hashes;

    private CompactRange(long size, byte[][] hashes)
    {
        Size = size;
        this.hashes = hashes;
    }

    /// <summary>The range of the empty log.</summary>
    public static CompactRange Empty { get; } = new(0, []);

    /// <summary>Number of leaves covered.</summary>
    public long Size { get; }

    /// <summary>
    /// The perfect subtrees that cover [0, <paramref name="size"/>), largest first: the nodes
    /// <see cref="Restore"/> needs, and those the root of that tree size is composed from.
    /// </summary>
    /// <param name="size">A tree size, 0 or more.</param>
    /// <returns>One node per set bit of <paramref name="size"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public static IReadOnlyList<NodeId> NodeIdsFor(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var ids = new List<NodeId>(BitOperations.PopCount((ulong)size));
        TreeShape.AddRange(0, size, ids);
        return ids;
    }

    /// <summary>Rebuilds the range of a log of <paramref name="size"/> leaves from stored perfect nodes.</summary>
    /// <param name="size">The number of leaves already in the log.</param>
    /// <param name="lookup">Returns the stored hash of each node of <see cref="NodeIdsFor"/>(<paramref name="size"/>), or null if it has none.</param>
    /// <returns>The range, ready to append leaf <paramref name="size"/>.</returns>
    /// <exception cref="KeyNotFoundException">A needed node is not in the store.</exception>
    /// <exception cref="InvalidOperationException">A stored hash is not 32 bytes.</exception>
    public static CompactRange Restore(long size, Func<NodeId, byte[]?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var ids = NodeIdsFor(size);
        var restored = new byte[ids.Count][];
        for (int i = 0; i < ids.Count; i++)
            restored[i] = [.. ProofPlan.Fetch(lookup, ids[i], $"range of tree size {size}")];
        return new CompactRange(size, restored);
    }

    /// <summary>
    /// Appends one leaf, adding to <paramref name="completed"/> every perfect subtree it completes:
    /// the leaf itself, then each parent it fills, bottom-up. Storing those is what makes every later
    /// proof and root computable.
    /// </summary>
    /// <param name="leafHash">The 32-byte leaf hash (see <see cref="LogHasher.HashLeaf(ReadOnlySpan{byte})"/>).</param>
    /// <param name="completed">Receives the new perfect nodes, each with its own hash array.</param>
    /// <returns>The range of the log one leaf longer.</returns>
    /// <exception cref="ArgumentException"><paramref name="leafHash"/> is not 32 bytes.</exception>
    /// <exception cref="InvalidOperationException">The log already holds <see cref="long.MaxValue"/> leaves.</exception>
    public CompactRange Append(ReadOnlySpan<byte> leafHash, ICollection<LogNode> completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        if (leafHash.Length != LogHasher.HashSize)
            throw new ArgumentException($"leaf hash has {leafHash.Length} bytes, expected {LogHasher.HashSize}", nameof(leafHash));
        if (Size == long.MaxValue)
            throw new InvalidOperationException("the log is full");

        // Each trailing 1 bit of the size is a perfect subtree of that level waiting for a right sibling of
        // the same height; the new leaf merges with them one level at a time, like binary addition.
        int merges = BitOperations.TrailingZeroCount(~Size);
        byte[] hash = leafHash.ToArray();
        completed.Add(new LogNode(NodeId.Leaf(Size), hash));
        long index = Size;
        for (int level = 1; level <= merges; level++)
        {
            index >>= 1;
            hash = LogHasher.HashChildren(hashes[^level], hash);
            completed.Add(new LogNode(new NodeId(level, index), hash));
        }

        var next = new byte[hashes.Length - merges + 1][];
        Array.Copy(hashes, next, hashes.Length - merges);
        next[^1] = [.. hash];
        return new CompactRange(Size + 1, next);
    }

    /// <summary>Appends one leaf; see <see cref="Append(ReadOnlySpan{byte}, ICollection{LogNode})"/>.</summary>
    /// <param name="leafHash">The 32-byte leaf hash.</param>
    /// <returns>The range one leaf longer, and the perfect nodes to store, bottom-up.</returns>
    public (CompactRange Range, IReadOnlyList<LogNode> Completed) Append(ReadOnlySpan<byte> leafHash)
    {
        var completed = new List<LogNode>(1 + BitOperations.TrailingZeroCount(~Size));
        var range = Append(leafHash, completed);
        return (range, completed);
    }

    /// <summary>Writes the RFC 9162 root hash of the tree [0, <see cref="Size"/>).</summary>
    /// <param name="destination">Receives the 32-byte root; the empty tree's root when <see cref="Size"/> is 0.</param>
    public void WriteRootHash(Span<byte> destination)
    {
        if (destination.Length < LogHasher.HashSize)
            throw new ArgumentException($"destination has {destination.Length} bytes, needs {LogHasher.HashSize}", nameof(destination));
        if (hashes.Length == 0)
        {
            LogHasher.EmptyRoot.CopyTo(destination);
            return;
        }

        // RFC 9162 splits at the largest power of two, so the right edge folds from the smallest subtree leftwards.
        hashes[^1].CopyTo(destination);
        for (int i = hashes.Length - 2; i >= 0; i--)
            LogHasher.HashChildren(hashes[i], destination[..LogHasher.HashSize], destination);
    }

    /// <summary>The RFC 9162 root hash of the tree [0, <see cref="Size"/>).</summary>
    /// <returns>A new 32-byte array.</returns>
    public byte[] RootHash()
    {
        var root = new byte[LogHasher.HashSize];
        WriteRootHash(root);
        return root;
    }

    /// <summary>Describes the range, e.g. "compact range of size 5 (2/0, 0/4)".</summary>
    /// <returns>The size and the covering nodes.</returns>
    public override string ToString() => $"compact range of size {Size} ({string.Join(", ", NodeIdsFor(Size))})";
}
