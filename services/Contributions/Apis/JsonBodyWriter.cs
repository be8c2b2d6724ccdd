using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace CommunityAI.Contributions.Apis;

/// <summary>
/// A JSON answer written to the response body a piece at a time, so an answer carrying large content never exists
/// whole: one writer into one reused buffer, copied to the body at each <see cref="SendAsync"/>. (The buffer grows to
/// the largest piece once, where writing to the body's PipeWriter directly would take a fresh unpooled array for every
/// large piece, and writing to its Stream would flush synchronously.)
/// </summary>
public sealed class JsonBodyWriter : IAsyncDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Stream _body;

    public JsonBodyWriter(Stream body, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _body = body;
        Json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented });
    }

    public Utf8JsonWriter Json { get; }

    /// <summary>Sends what was written so far.</summary>
    public async Task SendAsync(CancellationToken ct)
    {
        Json.Flush();
        await _body.WriteAsync(_buffer.WrittenMemory, ct);
        await _body.FlushAsync(ct);
        _buffer.ResetWrittenCount();
    }

    /// <summary>
    /// Writes <paramref name="segments"/> (positioned on its first) as one base64 string value, sending each segment
    /// before the next is read. The value is encoded and escaped exactly as the whole content's base64 string would be
    /// (<see cref="Utf8JsonWriter.WriteBase64StringSegment"/> would skip the encoder's escaping of '+' and change the bytes).
    /// </summary>
    public async Task WriteBase64Async(IAsyncEnumerator<ReadOnlyMemory<byte>> segments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var carry = new byte[3]; // bytes of a segment past its last whole group of three, encoded with the next one
        var carried = 0;
        byte[]? encoded = null;
        try
        {
            do
            {
                var segment = segments.Current;
                var total = carried + segment.Length;
                var whole = total - total % 3;
                if (whole > 0)
                {
                    var needed = Base64.GetMaxEncodedToUtf8Length(whole);
                    if (encoded is null || encoded.Length < needed)
                    {
                        if (encoded is not null)
                            ArrayPool<byte>.Shared.Return(encoded);
                        encoded = ArrayPool<byte>.Shared.Rent(needed);
                    }
                    var written = 0;
                    if (carried > 0)
                    {
                        // The carried bytes and the segment's first few make one group of three.
                        segment.Span[..(3 - carried)].CopyTo(carry.AsSpan(carried));
                        Base64.EncodeToUtf8(carry, encoded, out _, out _);
                        written = 4;
                        segment = segment[(3 - carried)..];
                    }
                    var groups = segment.Length - segment.Length % 3;
                    Base64.EncodeToUtf8(segment.Span[..groups], encoded.AsSpan(written), out _, out var n);
                    written += n;
                    segment[groups..].Span.CopyTo(carry);
                    carried = segment.Length - groups;
                    Json.WriteStringValueSegment(encoded.AsSpan(0, written), isFinalSegment: false);
                    await SendAsync(ct);
                }
                else
                {
                    segment.Span.CopyTo(carry.AsSpan(carried));
                    carried = total;
                }
            }
            while (await segments.MoveNextAsync());

            Span<byte> tail = stackalloc byte[4];
            var tailLength = 0;
            if (carried > 0)
                Base64.EncodeToUtf8(carry.AsSpan(0, carried), tail, out _, out tailLength);
            Json.WriteStringValueSegment(tail[..tailLength], isFinalSegment: true);
        }
        finally
        {
            if (encoded is not null)
                ArrayPool<byte>.Shared.Return(encoded);
        }
    }

    public ValueTask DisposeAsync() => Json.DisposeAsync();
}
