namespace CommunityAI.Formats.Log;

/// <summary>
/// RFC 9162 §2.1.3 inclusion proofs (audit paths), generated from stored perfect nodes in O(log n).
/// </summary>
public static class InclusionProof
{
    /// <summary>The nodes the inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="treeSize"/> leaves is made of.</summary>
    /// <param name="index">The leaf, 0 ≤ index &lt; treeSize.</param>
    /// <param name="treeSize">The tree the proof is against.</param>
    /// <returns>The nodes to fetch and how to assemble them.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a leaf of the tree.</exception>
    public static ProofPlan Plan(long index, long treeSize)
    {
        Require(index, treeSize);
        var ids = new List<NodeId>(2 * TreeShape.Height(treeSize));
        var ends = new List<int>(TreeShape.Height(treeSize));
        TreeShape.AddPath(0, index, treeSize, ids, ends);
        return new ProofPlan(ids, ends, $"inclusion proof for index {index} in a tree of {treeSize}");
    }

    /// <summary>Number of hashes in the inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="treeSize"/> leaves.</summary>
    /// <param name="index">The leaf, 0 ≤ index &lt; treeSize.</param>
    /// <param name="treeSize">The tree the proof is against.</param>
    /// <returns>The proof length, at most ⌈log2 treeSize⌉.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a leaf of the tree.</exception>
    public static int Length(long index, long treeSize)
    {
        Require(index, treeSize);
        return TreeShape.AddPath(0, index, treeSize, null, null);
    }

    private static void Require(long index, long treeSize)
    {
        if (treeSize < 1)
            throw new ArgumentOutOfRangeException(nameof(treeSize), treeSize, "an inclusion proof needs a tree of at least one leaf");
        if (index < 0 || index >= treeSize)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index {index} out of range for tree size {treeSize}");
    }
}
