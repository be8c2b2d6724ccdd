using System.Buffers;
using System.Security.Cryptography;

namespace CommunityAI.Formats.Log;

/// <summary>
/// The RFC 9162 §2.1 hashes of the log: SHA-256 with a one-byte domain separator, so that a
/// leaf can never be passed off as an interior node (second-preimage resistance).
/// </summary>
/// <remarks>
/// Every method is allocation-free except the <c>byte[]</c>-returning conveniences: appending
/// runs at tens of thousands of leaves per second, so the span overloads are the ones to use on
/// hot paths and in benchmarks.
/// </remarks>
public static class LogHasher
{
    /// <summary>Length in bytes of every hash in the log (SHA-256).</summary>
    public const int HashSize = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    // Entries up to this size are prefixed on the stack; larger ones borrow a pooled buffer.
    // SHA-256 one-shot over a copied buffer is still faster than IncrementalHash at these sizes.
    private const int StackPrefixLimit = 512;

    /// <summary>The root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1).</summary>
    public static ReadOnlySpan<byte> EmptyRoot =>
    [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    ];

    /// <summary>Leaf hash: SHA-256(0x00 ‖ <paramref name="entry"/>).</summary>
    /// <param name="entry">The log entry bytes (for CommunityAI, the RFC 8785 canonical JSON of the envelope).</param>
    /// <param name="destination">Receives the 32-byte hash.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void HashLeaf(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        RequireDestination(destination);
        int length = entry.Length + 1;
        byte[]? rented = null;
        Span<byte> buffer = length <= StackPrefixLimit
            ? stackalloc byte[StackPrefixLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            buffer[0] = LeafPrefix;
            entry.CopyTo(buffer[1..]);
            SHA256.HashData(buffer[..length], destination);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Leaf hash: SHA-256(0x00 ‖ <paramref name="entry"/>), as a new array.</summary>
    /// <param name="entry">The log entry bytes.</param>
    /// <returns>The 32-byte leaf hash.</returns>
    public static byte[] HashLeaf(ReadOnlySpan<byte> entry)
    {
        var hash = new byte[HashSize];
        HashLeaf(entry, hash);
        return hash;
    }

    /// <summary>Interior node hash: SHA-256(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>).</summary>
    /// <param name="left">Hash of the left subtree (32 bytes).</param>
    /// <param name="right">Hash of the right subtree (32 bytes).</param>
    /// <param name="destination">Receives the 32-byte hash; it may overlap either input.</param>
    /// <exception cref="ArgumentException">An input is not 32 bytes, or <paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        if (left.Length != HashSize)
            throw new ArgumentException($"left hash has {left.Length} bytes, expected {HashSize}", nameof(left));
        if (right.Length != HashSize)
            throw new ArgumentException($"right hash has {right.Length} bytes, expected {HashSize}", nameof(right));
        RequireDestination(destination);

        // The inputs are copied before hashing, which is what makes overlapping destinations safe.
        Span<byte> buffer = stackalloc byte[1 + 2 * HashSize];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        SHA256.HashData(buffer, destination);
    }

    /// <summary>Interior node hash: SHA-256(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>), as a new array.</summary>
    /// <param name="left">Hash of the left subtree (32 bytes).</param>
    /// <param name="right">Hash of the right subtree (32 bytes).</param>
    /// <returns>The 32-byte node hash.</returns>
    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        HashChildren(left, right, hash);
        return hash;
    }

    private static void RequireDestination(Span<byte> destination)
    {
        if (destination.Length < HashSize)
            throw new ArgumentException($"destination has {destination.Length} bytes, needs {HashSize}", nameof(destination));
    }
}
