using CommunityAI.Formats.Log;
using FsCheck;
using FsCheck.Fluent;

namespace CommunityAI.Formats.Tests.Log;

/// <summary>
/// Trees far too large to build, up to <see cref="long.MaxValue"/> leaves, made checkable by giving
/// every leaf the same hash: then every perfect node of a level has the same hash and any root is
/// computable in O(log n). Good for the index arithmetic (overflow, the top levels), not for
/// telling leaves apart; the exhaustive tests on distinct leaves do that.
/// </summary>
internal static class LargeTrees
{
    private static readonly byte[][] PerfectHashes = BuildPerfectHashes();

    /// <summary>Pairs (a, b) with 0 ≤ a &lt; b ≤ long.MaxValue, biased towards interesting sizes.</summary>
    public static Arbitrary<(long, long)> IndexAndSize()
    {
        var size = Gen.OneOf(
            Gen.Choose(0, 62).Select(bits => 1L << bits),                                  // powers of two
            Gen.Choose(1, 62).Select(bits => (1L << bits) + 1),                            // just past them
            Gen.Choose(0, 62).Select(bits => long.MaxValue >> bits),                       // all ones
            ArbMap.Default.GeneratorFor<long>().Select(x => x == long.MinValue ? 1 : Math.Abs(x)),
            ArbMap.Default.GeneratorFor<ulong>().Select(x => (long)(x >> 1)))
            .Where(s => s >= 2);
        var pair = size.SelectMany(s => ArbMap.Default.GeneratorFor<ulong>().Select(x => ((long)(x % (ulong)s), s)));
        return pair.ToArbitrary();
    }

    public static byte[]? Lookup(NodeId id) => PerfectHashes[id.Level];

    /// <summary>MTH of any tree size when all leaves hash alike: split at the largest power of two, as RFC 9162 does.</summary>
    public static byte[] Root(long size)
    {
        if (size == 0)
            return LogHasher.EmptyRoot.ToArray();
        int top = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)size);
        if (size == 1L << top)
            return PerfectHashes[top];
        return LogHasher.HashChildren(PerfectHashes[top], Root(size - (1L << top)));
    }

    private static byte[][] BuildPerfectHashes()
    {
        var hashes = new byte[NodeId.MaxLevel + 1][];
        hashes[0] = LogHasher.HashLeaf("same"u8);
        for (int level = 1; level < hashes.Length; level++)
            hashes[level] = LogHasher.HashChildren(hashes[level - 1], hashes[level - 1]);
        return hashes;
    }
}
