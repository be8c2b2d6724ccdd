namespace CommunityAI.Formats.Log;

/// <summary>
/// Address of a <em>perfect</em> subtree of the log: the node at <see cref="Level"/> (0 for leaves)
/// and position <see cref="Index"/> covers leaves [Index·2^Level, (Index+1)·2^Level).
/// </summary>
/// <remarks>
/// A perfect node's hash never changes once its last leaf is appended, which is why these, and only
/// these, are what storage keeps: every other hash of any tree size is composed from them.
/// Leaf counts are <see cref="long"/>, so a node must end at or before <see cref="long.MaxValue"/>.
/// </remarks>
public readonly record struct NodeId : IComparable<NodeId>
{
    /// <summary>The highest level a node can have in a tree of at most <see cref="long.MaxValue"/> leaves.</summary>
    public const int MaxLevel = 62;

    /// <summary>Creates the address of a perfect subtree.</summary>
    /// <param name="level">Height above the leaves, 0 to <see cref="MaxLevel"/>.</param>
    /// <param name="index">Position among the nodes of that level, counted from 0 on the left.</param>
    /// <exception cref="ArgumentOutOfRangeException">The node would not fit in a tree of at most <see cref="long.MaxValue"/> leaves.</exception>
    public NodeId(int level, long index)
    {
        if (level is < 0 or > MaxLevel)
            throw new ArgumentOutOfRangeException(nameof(level), level, $"level must be between 0 and {MaxLevel}");
        if (index < 0 || index > (long.MaxValue >> level) - 1)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"a node at level {level} must have an index between 0 and {(long.MaxValue >> level) - 1}");
        Level = level;
        Index = index;
    }

    /// <summary>Height above the leaves: 0 for a leaf, 1 for a pair of leaves, and so on.</summary>
    public int Level { get; }

    /// <summary>Position among the nodes of <see cref="Level"/>, from 0 on the left.</summary>
    public long Index { get; }

    /// <summary>Index of the first leaf the node covers.</summary>
    public long FirstLeaf => Index << Level;

    /// <summary>Index one past the last leaf the node covers: the smallest tree size that contains it.</summary>
    public long EndLeaf => (Index + 1) << Level;

    /// <summary>Number of leaves the node covers, 2^<see cref="Level"/>.</summary>
    public long LeafCount => 1L << Level;

    /// <summary>The node of a single leaf.</summary>
    /// <param name="index">The leaf index.</param>
    /// <returns>The level-0 node at <paramref name="index"/>.</returns>
    public static NodeId Leaf(long index) => new(0, index);

    /// <summary>Deconstructs into level and index.</summary>
    /// <param name="level">Receives <see cref="Level"/>.</param>
    /// <param name="index">Receives <see cref="Index"/>.</param>
    public void Deconstruct(out int level, out long index)
    {
        level = Level;
        index = Index;
    }

    /// <summary>Orders by level, then index, which is how a storage key (level, index) sorts.</summary>
    /// <param name="other">The node to compare with.</param>
    /// <returns>Negative, zero or positive as this node sorts before, with or after <paramref name="other"/>.</returns>
    public int CompareTo(NodeId other) =>
        Level != other.Level ? Level.CompareTo(other.Level) : Index.CompareTo(other.Index);

    /// <summary>Formats as <c>level/index</c>, e.g. <c>3/5</c>.</summary>
    /// <returns>The node address as text.</returns>
    public override string ToString() => $"{Level}/{Index}";
}
