using System.Security.Cryptography;
using CommunityAI.Contributions.Domain;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// The value <see cref="SegmentedSealing"/> makes of content that arrives a segment at a time, read as a stream: each
/// segment is sealed when the reader reaches it, so one segment is in memory however long the content. The stream
/// says it can seek (it cannot) because Npgsql copies a seekable stream into the statement as it goes and buffers any
/// other whole; its length is known before the first segment is read.
/// </summary>
public sealed class SegmentSealingStream : Stream
{
    private readonly IAsyncEnumerator<ReadOnlyMemory<byte>> _segments;
    private readonly AesGcm _aes;
    private readonly byte[] _prefix = SegmentedSealing.NewPrefix();
    private readonly byte[] _associatedData;
    private readonly long _size;
    private readonly int _segmentSize;
    private readonly int _count;
    private readonly byte[] _buffer;
    private int _bufferStart, _bufferEnd, _index;
    private long _position;

    /// <param name="dataKey">The content's data key; the stream keeps no copy of it past construction.</param>
    /// <param name="segments">The content in order, every segment <paramref name="segmentSize"/> bytes but the last.</param>
    public SegmentSealingStream(ReadOnlySpan<byte> dataKey, long size, int segmentSize, IAsyncEnumerable<ReadOnlyMemory<byte>> segments,
        byte[] associatedData, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segments);
        _aes = new AesGcm(dataKey, 16);
        _size = size;
        _segmentSize = segmentSize;
        _count = SegmentedSealing.Segments(size, segmentSize);
        _associatedData = associatedData;
        _segments = segments.GetAsyncEnumerator(ct);
        _buffer = new byte[Math.Max(SegmentedSealing.PrefixBytes, (int)Math.Min(size, segmentSize) + 16)];
        _prefix.CopyTo(_buffer, 0);
        _bufferEnd = SegmentedSealing.PrefixBytes;
        Length = SegmentedSealing.SealedLength(size, segmentSize);
    }

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("the sealed content is read once, in order");
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_bufferStart == _bufferEnd && !await NextSegmentAsync())
            return 0;
        var n = Math.Min(buffer.Length, _bufferEnd - _bufferStart);
        _buffer.AsMemory(_bufferStart, n).CopyTo(buffer);
        _bufferStart += n;
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private async Task<bool> NextSegmentAsync()
    {
        if (_index == _count)
            return false;
        if (!await _segments.MoveNextAsync())
            throw new InvalidOperationException($"the content ended after {_index} of its {_count} segments");
        var plaintext = _segments.Current;
        var last = _index == _count - 1;
        var expected = last ? (int)(_size - (long)_index * _segmentSize) : _segmentSize;
        if (plaintext.Length != expected)
            throw new InvalidOperationException($"segment {_index} is {plaintext.Length} bytes; {expected} were announced");
        SegmentedSealing.SealSegment(_aes, _prefix, _index, last, plaintext.Span, _buffer.AsSpan(0, expected + 16), _associatedData);
        (_bufferStart, _bufferEnd) = (0, expected + 16);
        _index++;
        return true;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("read the sealed content asynchronously: its segments come from the database");

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("the sealed content is read once, in order");
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await _segments.DisposeAsync();
        _aes.Dispose();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _aes.Dispose();
        base.Dispose(disposing);
    }
}
