using System.Numerics;

namespace CommunityAI.Formats.Log;

/// <summary>
/// Where hashes come from in the RFC 9162 tree, expressed as perfect subtrees: the shared
/// arithmetic behind <see cref="CompactRange"/>, <see cref="InclusionProof"/> and <see cref="ConsistencyProof"/>.
/// </summary>
/// <remarks>
/// RFC 9162 splits a tree of n leaves at the largest power of two below n. Equivalently, the tree
/// is the perfect tree of the next power of two with every node that would reach past n replaced
/// by the hash of what it does cover, and a node whose right half is empty replaced by its left
/// half. Walking that picture bottom-up gives O(log n) proofs without recursion.
/// </remarks>
internal static class TreeShape
{
    /// <summary>Height of the tree of <paramref name="size"/> leaves (≥ 1): ⌈log2 size⌉.</summary>
    public static int Height(long size) => 64 - BitOperations.LeadingZeroCount((ulong)(size - 1));

    /// <summary>
    /// Adds the perfect subtrees that exactly cover leaves [begin, end), left to right, largest
    /// aligned blocks first: the compact range of RFC 9162 trees when begin is 0.
    /// </summary>
    public static void AddRange(long begin, long end, List<NodeId> into)
    {
        while (begin < end)
        {
            int alignment = begin == 0 ? NodeId.MaxLevel : BitOperations.TrailingZeroCount(begin);
            int fit = 63 - BitOperations.LeadingZeroCount((ulong)(end - begin));
            int level = Math.Min(alignment, fit);
            into.Add(new NodeId(level, begin >> level));
            begin += 1L << level;
        }
    }

    /// <summary>
    /// Walks from the perfect node (<paramref name="level"/>, <paramref name="index"/>) to the root of
    /// the tree of <paramref name="size"/> leaves and adds, bottom-up, the hash needed at each
    /// step: RFC 9162 PATH when starting from a leaf. A step whose sibling lies wholly past the
    /// end is skipped (that node equals its left child); a sibling that reaches past the end is
    /// composed from the perfect nodes of what it covers.
    /// </summary>
    /// <param name="level">Level of the starting node.</param>
    /// <param name="index">Index of the starting node.</param>
    /// <param name="size">The tree size.</param>
    /// <param name="ids">Receives the perfect nodes, in proof order, or null to only count.</param>
    /// <param name="ends">Receives, per proof element, the end of its run of <paramref name="ids"/>.</param>
    /// <returns>The number of proof elements.</returns>
    public static int AddPath(int level, long index, long size, List<NodeId>? ids, List<int>? ends)
    {
        int count = 0;
        for (int height = Height(size); level < height; level++, index >>= 1)
        {
            // A left child's sibling is index + 1; (index + 1) << level stays below 2^63 because index << level is
            // a multiple of 2^(level+1) that is below the tree size.
            long sibling = index ^ 1;
            long begin = sibling << level;
            if (begin >= size)
                continue;

            count++;
            if (ids is null)
                continue;
            if (size - begin >= 1L << level)
                ids.Add(new NodeId(level, sibling));
            else
                AddRange(begin, size, ids);
            ends?.Add(ids.Count);
        }
        return count;
    }
}
