using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using CommunityAI.Contributions.Domain;
using Npgsql;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// One stored content, opened for reading: its row is read with sequential access, so the sealed bytes come off the
/// connection as <see cref="ReadSegmentsAsync"/> asks for them, and one segment is in memory at a time however long
/// the content. Each segment is released only once its tag verifies; a value cut short, reordered or altered stops
/// the read with a <see cref="CryptographicException"/> naming the segment, never a shorter content. A row sealed whole
/// (inline content, at most <c>Intake:MaxContentBytes</c>) is one segment. Holds its connection until disposed.
/// </summary>
public sealed class StoredContent : IAsyncDisposable
{
    private const int TagBytes = 16;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _command;
    private readonly NpgsqlDataReader _reader;
    private readonly byte[] _dataKey;
    private readonly byte[] _binding;
    private readonly int? _segmentSize;
    private readonly long _sealedLength;
    private readonly int _ciphertextColumn;
    private bool _read, _disposed;

    internal StoredContent(NpgsqlConnection connection, NpgsqlCommand command, NpgsqlDataReader reader, int ciphertextColumn,
        string contributionId, string contributor, string licence, byte[] dataKey, int? segmentSize, long sealedLength)
    {
        (_connection, _command, _reader, _ciphertextColumn) = (connection, command, reader, ciphertextColumn);
        (ContributionId, Contributor, Licence) = (contributionId, contributor, licence);
        (_dataKey, _segmentSize, _sealedLength) = (dataKey, segmentSize, sealedLength);
        _binding = ContentSealing.ContentBinding(contributionId, contributor, licence);
    }

    public string ContributionId { get; }
    public string Contributor { get; }
    public string Licence { get; }

    /// <summary>
    /// The content in order, each segment verified before it is yielded. A yielded segment's memory is reused for the
    /// next one: use it before asking for the next. Read once.
    /// </summary>
    /// <exception cref="CryptographicException">A segment does not open (altered, moved, cut short, or under another key).</exception>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadSegmentsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_read)
            throw new InvalidOperationException("a stored content is read once");
        _read = true;
        if (_segmentSize is not { } segmentSize)
        {
            var sealedWhole = await _reader.GetFieldValueAsync<byte[]>(_ciphertextColumn, ct);
            yield return ContentSealing.Open(_dataKey, sealedWhole, _binding);
            yield break;
        }

        var (segments, lastLength) = SegmentedSealing.Layout(_sealedLength, segmentSize);
        var capacity = segments == 1 ? lastLength : segmentSize;
        var sealedSegment = ArrayPool<byte>.Shared.Rent(capacity + TagBytes);
        var plaintext = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            await using var sealedValue = await _reader.GetStreamAsync(_ciphertextColumn, ct);
            using var aes = new AesGcm(_dataKey, TagBytes);
            var prefix = new byte[SegmentedSealing.PrefixBytes];
            await ReadExactlyAsync(sealedValue, prefix, 0, segments, ct);
            for (var i = 0; i < segments; i++)
            {
                var length = i == segments - 1 ? lastLength : segmentSize;
                await ReadExactlyAsync(sealedValue, sealedSegment.AsMemory(0, length + TagBytes), i, segments, ct);
                SegmentedSealing.OpenSegment(aes, prefix, i, segments, sealedSegment.AsSpan(0, length + TagBytes), plaintext, _binding);
                yield return plaintext.AsMemory(0, length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sealedSegment);
            ArrayPool<byte>.Shared.Return(plaintext, clearArray: true); // the content does not outlive its read in a pooled array
        }
    }

    /// <summary>The whole content, for readers of small contents only (the scoring hand-off's texts).</summary>
    /// <exception cref="InvalidOperationException">The content is longer than <paramref name="maxBytes"/>.</exception>
    public async Task<byte[]> ReadAllAsync(long maxBytes, CancellationToken ct)
    {
        using var content = new MemoryStream();
        await foreach (var segment in ReadSegmentsAsync(ct))
        {
            if (content.Length + segment.Length > maxBytes)
                throw new InvalidOperationException($"content {ContributionId} is longer than the {maxBytes} bytes this reader takes whole");
            content.Write(segment.Span);
        }
        return content.ToArray();
    }

    private static async Task ReadExactlyAsync(Stream stream, Memory<byte> buffer, int index, int segments, CancellationToken ct)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, ct);
        }
        catch (EndOfStreamException)
        {
            // The row's length said more was coming: the value changed under the read, and nothing short is returned.
            throw new CryptographicException($"the stored content ended inside segment {index} of {segments}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        CryptographicOperations.ZeroMemory(_dataKey);
        await _reader.DisposeAsync();
        await _command.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
