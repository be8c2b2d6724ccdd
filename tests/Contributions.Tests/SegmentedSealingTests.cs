using System.Security.Cryptography;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;

namespace Contributions.Tests;

public sealed class SegmentedSealingTests
{
    private const int Segment = 1000;
    private static readonly byte[] Binding = ContentSealing.ContentBinding("0x11", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "MIT");

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> InSegments(byte[] content)
    {
        // One reused buffer, as the upload's parts come: the stream must seal each segment before asking for the next.
        var buffer = new byte[Segment];
        var chunks = content.Length == 0 ? [Array.Empty<byte>()] : content.Chunk(Segment);
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            chunk.CopyTo(buffer, 0);
            yield return buffer.AsMemory(0, chunk.Length);
        }
    }

    private static async Task<byte[]> SealAsync(byte[] key, byte[] content)
    {
        await using var stream = new SegmentSealingStream(key, content.Length, Segment, InSegments(content), Binding, CancellationToken.None);
        var sealedValue = new MemoryStream();
        await stream.CopyToAsync(sealedValue, 300); // a copy buffer smaller than a segment, as a driver's may be
        Assert.Equal(stream.Length, sealedValue.Length);
        return sealedValue.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(999)]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(5000)]
    [InlineData(5432)]
    public async Task Content_sealed_a_segment_at_a_time_opens_whole_and_shows_nothing_of_itself(int size)
    {
        var key = ContentSealing.NewKey();
        var content = RandomNumberGenerator.GetBytes(size);
        var sealedValue = await SealAsync(key, content);
        Assert.Equal(SegmentedSealing.SealedLength(size, Segment), sealedValue.Length);
        if (size >= 16)
            Assert.Equal(-1, sealedValue.AsSpan().IndexOf(content.AsSpan(size / 2, 16)));
        Assert.Equal(content, SegmentedSealing.Open(key, sealedValue, Segment, Binding));
    }

    [Fact]
    public async Task Segments_swapped_cut_off_added_or_altered_and_another_key_or_binding_do_not_open()
    {
        var key = ContentSealing.NewKey();
        var content = RandomNumberGenerator.GetBytes(3 * Segment + 10);
        var sealedValue = await SealAsync(key, content);
        const int prefix = SegmentedSealing.PrefixBytes, full = Segment + 16;

        var swapped = sealedValue.ToArray();
        sealedValue.AsSpan(prefix, full).CopyTo(swapped.AsSpan(prefix + full));
        sealedValue.AsSpan(prefix + full, full).CopyTo(swapped.AsSpan(prefix));
        var cutAfterThree = sealedValue[..(prefix + 3 * full)]; // whole segments only: the third was not sealed as the last
        var extended = sealedValue.Concat(sealedValue.AsSpan(prefix, full).ToArray()).ToArray();
        var altered = sealedValue.ToArray();
        altered[prefix + 2 * full + 5] ^= 1;

        foreach (var bad in new[] { swapped, cutAfterThree, extended, altered })
            Assert.ThrowsAny<CryptographicException>(() => SegmentedSealing.Open(key, bad, Segment, Binding));
        Assert.ThrowsAny<CryptographicException>(() => SegmentedSealing.Open(ContentSealing.NewKey(), sealedValue, Segment, Binding));
        Assert.ThrowsAny<CryptographicException>(() => SegmentedSealing.Open(key, sealedValue, Segment,
            ContentSealing.ContentBinding("0x11", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "CC0-1.0")));
        Assert.ThrowsAny<CryptographicException>(() => SegmentedSealing.Open(key, sealedValue, Segment + 1, Binding));
    }

    [Fact]
    public async Task A_source_that_ends_early_or_sends_a_segment_of_the_wrong_length_is_not_sealed()
    {
        var content = RandomNumberGenerator.GetBytes(2 * Segment);
        await using (var shortSource = new SegmentSealingStream(ContentSealing.NewKey(), 3 * Segment, Segment, InSegments(content), Binding, CancellationToken.None))
            await Assert.ThrowsAsync<InvalidOperationException>(() => shortSource.CopyToAsync(Stream.Null));
        await using var wrongLength = new SegmentSealingStream(ContentSealing.NewKey(), 2 * Segment - 1, Segment, InSegments(content), Binding, CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => wrongLength.CopyToAsync(Stream.Null));
    }
}
