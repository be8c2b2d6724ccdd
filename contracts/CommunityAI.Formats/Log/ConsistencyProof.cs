using System.Numerics;

namespace CommunityAI.Formats.Log;

/// <summary>
/// RFC 9162 §2.1.4 consistency proofs between two tree sizes, generated from stored perfect nodes in O(log n).
/// </summary>
/// <remarks>
/// The older tree [0, first) ends with a largest perfect subtree; the proof is that subtree's hash
/// followed by its audit path in the newer tree. When first is a power of two that subtree is the
/// whole older tree, whose root the verifier already holds, so RFC 9162 leaves it out.
/// </remarks>
public static class ConsistencyProof
{
    /// <summary>The nodes the consistency proof between tree sizes <paramref name="first"/> and <paramref name="second"/> is made of.</summary>
    /// <param name="first">The older tree size, 0 ≤ first ≤ second.</param>
    /// <param name="second">The newer tree size.</param>
    /// <returns>The nodes to fetch and how to assemble them; no nodes when first is 0 or equals second.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are negative or out of order.</exception>
    public static ProofPlan Plan(long first, long second)
    {
        Require(first, second);
        var ids = new List<NodeId>();
        var ends = new List<int>();
        if (first > 0 && first < second)
        {
            var (level, index) = Start(first);
            if (index != 0)
            {
                ids.Add(new NodeId(level, index));
                ends.Add(1);
            }
            TreeShape.AddPath(level, index, second, ids, ends);
        }
        return new ProofPlan(ids, ends, $"consistency proof between tree sizes {first} and {second}");
    }

    /// <summary>Number of hashes in the consistency proof between tree sizes <paramref name="first"/> and <paramref name="second"/>.</summary>
    /// <param name="first">The older tree size, 0 ≤ first ≤ second.</param>
    /// <param name="second">The newer tree size.</param>
    /// <returns>The proof length: 0 when first is 0 or equals second.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are negative or out of order.</exception>
    public static int Length(long first, long second)
    {
        Require(first, second);
        if (first == 0 || first == second)
            return 0;
        var (level, index) = Start(first);
        return (index != 0 ? 1 : 0) + TreeShape.AddPath(level, index, second, null, null);
    }

    // The largest perfect subtree that ends where the older tree ends.
    private static (int Level, long Index) Start(long first)
    {
        int level = BitOperations.TrailingZeroCount(first);
        return (level, (first - 1) >> level);
    }

    private static void Require(long first, long second)
    {
        if (first < 0)
            throw new ArgumentOutOfRangeException(nameof(first), first, "tree sizes cannot be negative");
        if (second < first)
            throw new ArgumentOutOfRangeException(nameof(second), second, $"second tree size {second} is smaller than first tree size {first}");
    }
}
