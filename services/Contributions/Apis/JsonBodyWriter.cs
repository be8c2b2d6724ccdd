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

    /// <summary>Content bytes encoded and sent at a time (a multiple of 3, so no padding falls inside the string).</summary>
    public const int SliceBytes = 48 * 1024;

    /// <summary>
    /// Writes <paramref name="segments"/> (positioned on its first) as one base64 string value, encoded and sent
    /// <see cref="SliceBytes"/> at a time, each segment before the next is read, so the answer's buffers stay small
    /// whatever the segment size. The value is encoded and escaped exactly as the whole content's base64 string would
    /// be (<see cref="Utf8JsonWriter.WriteBase64StringSegment"/> would skip the encoder's escaping of '+' and change the bytes).
    /// </summary>
    public async Task WriteBase64Async(IAsyncEnumerator<ReadOnlyMemory<byte>> segments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var carry = new byte[3]; // bytes past a segment's last whole group of three, completed by the next segment's first
        var carried = 0;
        var encoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(SliceBytes));
        try
        {
            do
            {
                var segment = segments.Current;
                if (carried > 0)
                {
                    var take = Math.Min(3 - carried, segment.Length);
                    segment.Span[..take].CopyTo(carry.AsSpan(carried));
                    carried += take;
                    segment = segment[take..];
                    if (carried < 3)
                        continue;
                    Base64.EncodeToUtf8(carry, encoded, out _, out _);
                    Json.WriteStringValueSegment(encoded.AsSpan(0, 4), isFinalSegment: false);
                    carried = 0;
                }
                while (segment.Length >= 3)
                {
                    var slice = Math.Min(SliceBytes, segment.Length - segment.Length % 3);
                    Base64.EncodeToUtf8(segment.Span[..slice], encoded, out _, out var written);
                    Json.WriteStringValueSegment(encoded.AsSpan(0, written), isFinalSegment: false);
                    await SendAsync(ct);
                    segment = segment[slice..];
                }
                segment.Span.CopyTo(carry);
                carried = segment.Length;
            }
            while (await segments.MoveNextAsync());

            Base64.EncodeToUtf8(carry.AsSpan(0, carried), encoded, out _, out var tail);
            Json.WriteStringValueSegment(encoded.AsSpan(0, tail), isFinalSegment: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }

    public ValueTask DisposeAsync() => Json.DisposeAsync();
}
