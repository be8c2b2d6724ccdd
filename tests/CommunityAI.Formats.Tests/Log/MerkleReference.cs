using System.Security.Cryptography;

namespace CommunityAI.Formats.Tests.Log;

/// <summary>
/// RFC 9162 §2.1.1 and §2.1.4.1 written as the RFC writes them: recursive, slow and obviously
/// right. Deliberately shares no code with the library (it hashes with SHA256 directly), so that
/// agreement between the two means something.
/// </summary>
internal static class MerkleReference
{
    public static byte[] LeafHash(byte[] entry) => SHA256.HashData([0x00, .. entry]);

    /// <summary>MTH(D[n]).</summary>
    public static byte[] Mth(IReadOnlyList<byte[]> entries) => Mth(entries, 0, entries.Count);

    /// <summary>PATH(m, D[n]), leaf side first.</summary>
    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> entries, int n) => Path(m, entries, 0, n);

    /// <summary>PROOF(m, D[n]) = SUBPROOF(m, D[n], true).</summary>
    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> entries, int n) => SubProof(m, entries, 0, n, true);

    private static byte[] Mth(IReadOnlyList<byte[]> d, int start, int end)
    {
        int n = end - start;
        if (n == 0)
            return SHA256.HashData([]);
        if (n == 1)
            return LeafHash(d[start]);
        int k = LargestPowerOfTwoBelow(n);
        return SHA256.HashData([0x01, .. Mth(d, start, start + k), .. Mth(d, start + k, end)]);
    }

    private static List<byte[]> Path(int m, IReadOnlyList<byte[]> d, int start, int end)
    {
        int n = end - start;
        if (n == 1)
            return [];
        int k = LargestPowerOfTwoBelow(n);
        if (m < k)
            return [.. Path(m, d, start, start + k), Mth(d, start + k, end)];
        return [.. Path(m - k, d, start + k, end), Mth(d, start, start + k)];
    }

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> d, int start, int end, bool b)
    {
        int n = end - start;
        if (m == n)
            return b ? [] : [Mth(d, start, end)];
        int k = LargestPowerOfTwoBelow(n);
        if (m <= k)
            return [.. SubProof(m, d, start, start + k, b), Mth(d, start + k, end)];
        return [.. SubProof(m - k, d, start + k, end, false), Mth(d, start, start + k)];
    }

    // "k is the largest power of two smaller than n" (n > 1).
    private static int LargestPowerOfTwoBelow(int n)
    {
        int k = 1;
        while (k * 2 < n)
            k *= 2;
        return k;
    }
}
