using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// Content sealed in segments, so it can be sealed (and later opened) a segment at a time instead of whole: the online
/// authenticated encryption of Hoang, Reyhanitabar, Rogaway and Vizár ("STREAM"), as Tink's and age's streaming
/// encryption use it. A sealed value is <c>prefix (7) ‖ segment 0 ‖ segment 1 ‖ …</c>, each segment its ciphertext and
/// its tag (16), AES-256-GCM under the content's data key with the nonce <c>prefix ‖ index (4, big-endian) ‖ last
/// (1 on the final segment, else 0)</c> and the same associated data as a value sealed whole. The index refuses
/// segments reordered, the last flag a value cut short or extended. Every segment holds <c>segmentSize</c> bytes of
/// content but the last. Pure.
/// </summary>
public static class SegmentedSealing
{
    public const int PrefixBytes = 7;
    private const int TagBytes = 16;

    /// <summary>How many segments <paramref name="size"/> bytes make (one, empty, for no content).</summary>
    public static int Segments(long size, int segmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentSize);
        return size == 0 ? 1 : checked((int)((size + segmentSize - 1) / segmentSize));
    }

    /// <summary>The length of the sealed value of <paramref name="size"/> bytes of content.</summary>
    public static long SealedLength(long size, int segmentSize) => PrefixBytes + size + (long)Segments(size, segmentSize) * TagBytes;

    /// <summary>A fresh random nonce prefix (each data key seals one content, so a random prefix never repeats under it).</summary>
    public static byte[] NewPrefix() => RandomNumberGenerator.GetBytes(PrefixBytes);

    /// <summary>Seals segment <paramref name="index"/> into <paramref name="destination"/> (its length plus 16 bytes).</summary>
    public static void SealSegment(AesGcm aes, ReadOnlySpan<byte> prefix, int index, bool last, ReadOnlySpan<byte> plaintext,
        Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(aes);
        Span<byte> nonce = stackalloc byte[12];
        Nonce(prefix, index, last, nonce);
        aes.Encrypt(nonce, plaintext, destination[..plaintext.Length], destination.Slice(plaintext.Length, TagBytes), associatedData);
    }

    /// <summary>
    /// How a sealed value of <paramref name="sealedLength"/> bytes divides: its segment count and the content bytes of
    /// its last segment (every other holds <paramref name="segmentSize"/>). The length alone decides where the value
    /// ends; whether it really ends there is the last segment's flag, checked when it opens.
    /// </summary>
    /// <exception cref="CryptographicException">No value sealed in segments of this size has this length.</exception>
    public static (int Segments, int LastLength) Layout(long sealedLength, int segmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentSize);
        if (sealedLength < PrefixBytes + TagBytes)
            throw new CryptographicException("the sealed value is shorter than its prefix and one tag");
        var body = sealedLength - PrefixBytes;
        var fullSegments = body / (segmentSize + TagBytes);
        var rest = (int)(body % (segmentSize + TagBytes));
        // A last segment is shorter than a full one, or is a full one: a tag alone is an empty last segment only when it is the only one.
        var (segments, lastLength) = rest == 0 ? (fullSegments, segmentSize) : (fullSegments + 1, rest - TagBytes);
        if (lastLength < 0 || (lastLength == 0 && segments > 1) || segments > int.MaxValue)
            throw new CryptographicException($"a value sealed in segments of {segmentSize} bytes cannot be {sealedLength} bytes long");
        return ((int)segments, lastLength);
    }

    /// <summary>
    /// Opens segment <paramref name="index"/> of <paramref name="segments"/> (<paramref name="sealedSegment"/>: its
    /// ciphertext and tag) into <paramref name="destination"/>, which holds nothing of it unless its tag verifies.
    /// </summary>
    /// <exception cref="CryptographicException">
    /// The segment was altered, moved, or sealed under another key or associated data; for the last segment, also a
    /// value cut short (its final segment gone, so the one read last was sealed without the last-segment flag).
    /// </exception>
    public static void OpenSegment(AesGcm aes, ReadOnlySpan<byte> prefix, int index, int segments, ReadOnlySpan<byte> sealedSegment,
        Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(aes);
        var length = sealedSegment.Length - TagBytes;
        if (length < 0 || destination.Length < length)
            throw new CryptographicException($"segment {index} of {segments} is shorter than its tag");
        var last = index == segments - 1;
        Span<byte> nonce = stackalloc byte[12];
        Nonce(prefix, index, last, nonce);
        try
        {
            aes.Decrypt(nonce, sealedSegment[..length], sealedSegment[length..], destination[..length], associatedData);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptographicException(last
                ? $"the last segment ({index} of {segments}) does not open as the last: the content was cut short (no segment carries the last-segment flag), or that segment was altered or moved"
                : $"segment {index} of {segments} does not open: it was altered, moved or sealed under another key");
        }
    }

    /// <summary>The whole content of a value sealed in segments of <paramref name="segmentSize"/>.</summary>
    /// <exception cref="CryptographicException">A segment was altered, moved, dropped or added, or sealed under another key or associated data.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedValue, int segmentSize, ReadOnlySpan<byte> associatedData)
    {
        var (segments, lastLength) = Layout(sealedValue.Length, segmentSize);
        var prefix = sealedValue[..PrefixBytes];
        var plaintext = new byte[(long)(segments - 1) * segmentSize + lastLength];
        using var aes = new AesGcm(key, TagBytes);
        for (var i = 0; i < segments; i++)
        {
            var length = i == segments - 1 ? lastLength : segmentSize;
            var segment = sealedValue.Slice(PrefixBytes + i * (segmentSize + TagBytes), length + TagBytes);
            OpenSegment(aes, prefix, i, segments, segment, plaintext.AsSpan(i * segmentSize, length), associatedData);
        }
        return plaintext;
    }

    private static void Nonce(ReadOnlySpan<byte> prefix, int index, bool last, Span<byte> nonce)
    {
        if (prefix.Length != PrefixBytes)
            throw new ArgumentException($"the nonce prefix is {PrefixBytes} bytes", nameof(prefix));
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        prefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[PrefixBytes..], (uint)index);
        nonce[11] = last ? (byte)1 : (byte)0;
    }
}
