using System.Buffers;
using System.Globalization;
using System.Text;
using CommunityAI.Formats.Json;
using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// Turns a stored event into its log entry: the RFC 8785 canonical JSON of an envelope that an auditor can
/// rebuild from the history table alone (index, stream, type, timestamp, event id, stream version, data).
/// </summary>
/// <remarks>
/// The envelope's shape is fixed, so it is written in canonical order in one pass and only the event's own data goes
/// through the canonicalizer. Building a JSON tree and canonicalizing the whole envelope gave the same bytes at a
/// quarter of the speed; <c>communityai-audit</c> still rebuilds entries that way, and the tests hold both to the same
/// bytes.
/// </remarks>
public static class LogEntryEnvelope
{
    // Microseconds are what PostgreSQL keeps; UTC so every reader formats it the same way.
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    // One buffer per thread: the writer builds a batch's envelopes on every core.
    // Refuses data text that is not valid UTF-16 (a lone surrogate), as the JSON tree's parser refused it.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    public static byte[] Build(long index, StoredEvent stored)
    {
        var output = buffer ??= new ArrayBufferWriter<byte>(1024);
        output.ResetWrittenCount();
        Write(index, stored, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes the canonical envelope; members in RFC 8785 order (names by UTF-16 code units).</summary>
    public static void Write(long index, StoredEvent stored, IBufferWriter<byte> output)
    {
        Raw(output, "{\"data\":"u8);
        WriteData(stored.Data, output);
        Raw(output, ",\"id\":\""u8);
        Format(output, stored.Id, "D");
        Raw(output, "\",\"index\":"u8);
        JsonCanonicalizer.WriteInteger(index, output);
        Raw(output, ",\"sequence\":"u8);
        JsonCanonicalizer.WriteInteger(stored.Sequence, output);
        Raw(output, ",\"stream\":"u8);
        JsonCanonicalizer.WriteString(WellFormed(stored.StreamKey), output);
        Raw(output, ",\"timestamp\":\""u8);
        Format(output, stored.Timestamp.UtcDateTime, TimestampFormat);
        Raw(output, "\",\"type\":"u8);
        JsonCanonicalizer.WriteString(WellFormed(stored.EventType), output);
        Raw(output, ",\"version\":"u8);
        JsonCanonicalizer.WriteInteger(stored.Version, output);
        Raw(output, "}"u8);
    }

    private static void WriteData(string? data, IBufferWriter<byte> output)
    {
        if (data is null)
        {
            Raw(output, "null"u8);
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent(StrictUtf8.GetMaxByteCount(data.Length));
        try
        {
            var length = StrictUtf8.GetBytes(data, rented);
            // Inside the envelope's object: data nested 64 deep makes a document the canonical form refuses to read.
            JsonCanonicalizer.Canonicalize(rented.AsSpan(0, length), output, enclosingDepth: 1);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The text with every lone surrogate replaced by U+FFFD, as the JSON tree's writer replaced them; text read from
    /// PostgreSQL never holds one, so this only ever scans.
    /// </summary>
    private static string WellFormed(string text) =>
        text.AsSpan().ContainsAnyInRange('\ud800', '\udfff') ? Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)) : text;

    // Guids and timestamps format to ASCII digits, letters and punctuation only: nothing a JSON string escapes.
    private static void Format<T>(IBufferWriter<byte> output, T value, string format) where T : IUtf8SpanFormattable
    {
        var span = output.GetSpan(64);
        if (!value.TryFormat(span, out var written, format, CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"{typeof(T).Name} did not fit 64 bytes");
        output.Advance(written);
    }

    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
