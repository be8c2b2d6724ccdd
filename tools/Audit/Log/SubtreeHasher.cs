using System.Security.Cryptography;
using CommunityAI.Formats.Log;

namespace CommunityAI.Audit.Log;

/// <summary>
/// Hashes a block of 2^k entries into its leaf hashes and its perfect subtree hash: independent work per block, so
/// blocks can be hashed on every core and appended in order with <see cref="LogRecomputer.AppendSubtree"/>.
/// </summary>
internal static class SubtreeHasher
{
    /// <summary>Hashes <paramref name="count"/> entries (a power of two) laid out in <paramref name="data"/> at <paramref name="offsets"/>.</summary>
    /// <param name="offsets">count + 1 offsets: entry i is data[offsets[i]..offsets[i+1]) minus its trailing newline.</param>
    /// <param name="leaves">Receives count × 32 bytes of leaf hashes.</param>
    /// <param name="root">Receives the subtree hash.</param>
    public static void Hash(byte[] data, int[] offsets, int first, int count, Span<byte> leaves, Span<byte> root)
    {
        const int H = LogHasher.HashSize;
        for (int i = 0; i < count; i++)
        {
            int start = offsets[first + i], end = offsets[first + i + 1] - 1;
            FastSha256.Leaf(data.AsSpan(start, end - start), leaves.Slice(i * H, H));
        }
        // Pairwise up the levels in a scratch copy: 0x01 ‖ left ‖ right, one SHA-256 call per node.
        Span<byte> level = count <= 1024 ? stackalloc byte[count * H] : new byte[count * H];
        leaves[..(count * H)].CopyTo(level);
        Span<byte> pair = stackalloc byte[2 * H + 1];
        pair[0] = 0x01;
        for (int width = count; width > 1; width /= 2)
        {
            for (int j = 0; j < width / 2; j++)
            {
                level.Slice(2 * j * H, 2 * H).CopyTo(pair[1..]);
                FastSha256.Node(pair, level.Slice(j * H, H));
            }
        }
        level[..H].CopyTo(root);
    }
}
