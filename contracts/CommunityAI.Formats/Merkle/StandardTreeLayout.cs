namespace CommunityAI.Formats.Merkle;

/// <summary>
/// The node array of OpenZeppelin's StandardMerkleTree: 2n−1 nodes, root at 0, children of i at 2i+1 and 2i+2, the
/// leaves (already sorted by the caller, as the library sorts them by hash) laid out from the end of the array in
/// reverse. Proofs, single or multi, are read off this array.
/// </summary>
public static class StandardTreeLayout
{
    /// <summary>The node array over leaf hashes in the library's order (ascending bytes); throws on none.</summary>
    public static byte[][] Build(IReadOnlyList<byte[]> sortedLeaves)
    {
        ArgumentNullException.ThrowIfNull(sortedLeaves);
        if (sortedLeaves.Count == 0)
            throw new ArgumentException("a Merkle tree needs at least one leaf", nameof(sortedLeaves));
        var tree = new byte[2 * sortedLeaves.Count - 1][];
        for (var i = 0; i < sortedLeaves.Count; i++)
            tree[tree.Length - 1 - i] = sortedLeaves[i];
        for (var i = tree.Length - 1 - sortedLeaves.Count; i >= 0; i--)
            tree[i] = MultiProof.HashPair(tree[2 * i + 1], tree[2 * i + 2]);
        return tree;
    }

    /// <summary>The tree index of the <paramref name="leafPosition"/>-th sorted leaf.</summary>
    public static int LeafIndex(int treeLength, int leafPosition) => treeLength - 1 - leafPosition;
}
