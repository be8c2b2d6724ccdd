using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace CommunityAI.Formats.Json;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme (JCS): the one byte sequence a JSON value hashes to, so that
/// anyone re-serializing our log entries with any JCS implementation gets the same leaf hashes.
/// </summary>
/// <remarks>
/// Object members are sorted by their names' UTF-16 code units, whitespace is dropped, strings
/// carry only the escapes JSON requires (raw UTF-8 otherwise, <c>/</c> unescaped, other control
/// characters as lowercase <c>\u00xx</c>), numbers are written as ECMAScript writes an IEEE double.
/// Input must be I-JSON (RFC 7493): duplicate member names and lone surrogates are rejected.
/// Integers beyond ±2^53 are rejected too, because a double cannot hold them all and canonicalizing
/// would silently change the value (9007199254740993 would become 9007199254740992): send such
/// amounts as strings. That covers integer literals of any size and any number whose canonical form
/// would be plain digits beyond 2^53 (1.5e17 included). Values from 1e21 up are written in exponent
/// form and accepted as the doubles they are, as RFC 8785 specifies (<c>1E30</c> becomes <c>1e+30</c>).
/// With these rules canonical output is always accepted as input, and canonicalizing it again
/// changes nothing.
/// </remarks>
public static class JsonCanonicalizer
{
    /// <summary>The largest integer magnitude a double holds exactly along with all integers below it (2^53).</summary>
    public const long MaxExactInteger = 1L << 53;

    // System.Text.Json's default nesting limit, stated so that a value canonicalized inside a document keeps to it too.
    private const int MaxDepth = 64;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = MaxDepth,
    };

    /// <summary>Canonicalizes UTF-8 JSON text.</summary>
    /// <param name="utf8Json">One JSON value, UTF-8 encoded, without comments or trailing commas.</param>
    /// <returns>The canonical UTF-8 bytes.</returns>
    /// <exception cref="JsonCanonicalizationException">The input is not valid I-JSON or holds an inexact integer.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(utf8Json.Length, 16));
        Canonicalize(utf8Json, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Canonicalizes UTF-8 JSON text into <paramref name="output"/>.</summary>
    /// <param name="utf8Json">One JSON value, UTF-8 encoded, without comments or trailing commas.</param>
    /// <param name="output">Receives the canonical UTF-8 bytes (for example a pooled buffer feeding a hash).</param>
    /// <exception cref="JsonCanonicalizationException">The input is not valid I-JSON or holds an inexact integer; <paramref name="output"/> may hold a partial result.</exception>
    public static void Canonicalize(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> output) => Canonicalize(utf8Json, output, 0);

    /// <summary>
    /// Canonicalizes UTF-8 JSON text that a writer places inside <paramref name="enclosingDepth"/> levels of arrays or
    /// objects it writes itself: the value is refused when the whole document would nest too deep to be read back.
    /// </summary>
    /// <param name="utf8Json">One JSON value, UTF-8 encoded, without comments or trailing commas.</param>
    /// <param name="output">Receives the canonical UTF-8 bytes.</param>
    /// <param name="enclosingDepth">How many levels enclose the value in the document being written (0 to 63).</param>
    /// <exception cref="JsonCanonicalizationException">The input is not valid I-JSON, holds an inexact integer, or nests too deep; <paramref name="output"/> may hold a partial result.</exception>
    public static void Canonicalize(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> output, int enclosingDepth)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(enclosingDepth);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(enclosingDepth, MaxDepth);
        var reader = new Utf8JsonReader(utf8Json, enclosingDepth == 0 ? ReaderOptions : ReaderOptions with { MaxDepth = MaxDepth - enclosingDepth });
        JsonDocument document;
        try
        {
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
                throw new JsonCanonicalizationException("unexpected content after the JSON value", "$");
        }
        catch (JsonException e)
        {
            throw new JsonCanonicalizationException($"not valid JSON: {e.Message}", "$", e);
        }
        using (document)
            Canonicalize(document.RootElement, output);
    }

    /// <summary>Canonicalizes JSON text.</summary>
    /// <param name="json">One JSON value.</param>
    /// <returns>The canonical UTF-8 bytes.</returns>
    /// <exception cref="JsonCanonicalizationException">The input is not valid I-JSON or holds an inexact integer.</exception>
    public static byte[] Canonicalize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Canonicalize(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Canonicalizes a parsed JSON value.</summary>
    /// <param name="element">The value.</param>
    /// <returns>The canonical UTF-8 bytes.</returns>
    /// <exception cref="JsonCanonicalizationException">The value is not I-JSON or holds an inexact integer.</exception>
    public static byte[] Canonicalize(JsonElement element)
    {
        var output = new ArrayBufferWriter<byte>();
        Canonicalize(element, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Canonicalizes a parsed JSON value into <paramref name="output"/>.</summary>
    /// <param name="element">The value.</param>
    /// <param name="output">Receives the canonical UTF-8 bytes.</param>
    /// <exception cref="JsonCanonicalizationException">The value is not I-JSON or holds an inexact integer; <paramref name="output"/> may hold a partial result.</exception>
    public static void Canonicalize(JsonElement element, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (element.ValueKind == JsonValueKind.Undefined)
            throw new JsonCanonicalizationException("the element holds no value", "$");
        new JcsWriter(output).WriteValue(element);
    }

    /// <summary>Canonicalizes a JSON node tree; null stands for the JSON literal <c>null</c>.</summary>
    /// <param name="node">The value.</param>
    /// <returns>The canonical UTF-8 bytes.</returns>
    /// <exception cref="JsonCanonicalizationException">The value is not I-JSON, holds NaN or Infinity, or an inexact integer.</exception>
    public static byte[] Canonicalize(JsonNode? node)
    {
        if (node is null)
            return "null"u8.ToArray();
        var text = new ArrayBufferWriter<byte>();
        try
        {
            using var writer = new Utf8JsonWriter(text);
            node.WriteTo(writer);
        }
        catch (ArgumentException e)
        {
            // Utf8JsonWriter refuses NaN and Infinity values; anything else it writes, we check on the way back in.
            throw new JsonCanonicalizationException($"the node cannot be written as JSON: {e.Message}", "$", e);
        }
        return Canonicalize(text.WrittenSpan);
    }

    /// <summary>Canonicalizes a value serialized with source-generated (trim- and AOT-safe) metadata.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">Its serialization metadata, e.g. from a <c>JsonSerializerContext</c>.</param>
    /// <returns>The canonical UTF-8 bytes.</returns>
    /// <exception cref="JsonCanonicalizationException">The serialized value is not I-JSON or holds an inexact integer.</exception>
    public static byte[] Canonicalize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        byte[] utf8;
        try
        {
            utf8 = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        }
        catch (ArgumentException e)
        {
            throw new JsonCanonicalizationException($"the value cannot be written as JSON: {e.Message}", "$", e);
        }
        return Canonicalize(utf8);
    }

    /// <summary>
    /// Writes a string as RFC 8785 writes it (quotes, only the escapes JSON requires, raw UTF-8 otherwise), for
    /// writers that emit a fixed canonical shape directly instead of canonicalizing a tree.
    /// </summary>
    /// <param name="value">The string's UTF-16 text.</param>
    /// <param name="output">Receives the canonical UTF-8 bytes.</param>
    /// <exception cref="JsonCanonicalizationException"><paramref name="value"/> holds a lone surrogate.</exception>
    public static void WriteString(ReadOnlySpan<char> value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        new JcsWriter(output).WriteStringValue(value);
    }

    /// <summary>Writes an integer as RFC 8785 writes it: plain digits, refused beyond ±2^53 like an integer literal being canonicalized.</summary>
    /// <param name="value">The integer.</param>
    /// <param name="output">Receives the canonical UTF-8 bytes.</param>
    /// <exception cref="JsonCanonicalizationException"><paramref name="value"/> is outside ±2^53.</exception>
    public static void WriteInteger(long value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (value is > MaxExactInteger or < -MaxExactInteger)
            throw new JsonCanonicalizationException($"integer {value.ToString(CultureInfo.InvariantCulture)} is outside ±2^53 and cannot be represented exactly; send it as a string", "$");
        var digits = output.GetSpan(20);
        value.TryFormat(digits, out int length, default, CultureInfo.InvariantCulture);
        output.Advance(length);
    }

    /// <summary>
    /// Formats a double the way RFC 8785 writes numbers (ECMAScript Number.prototype.toString):
    /// <c>1e+21</c>, <c>1e-7</c>, <c>0.000001</c>, <c>-0</c> as <c>0</c>, <c>5e-324</c>. Any finite
    /// double is formatted; the ±2^53 rule applies only to JSON being canonicalized.
    /// </summary>
    /// <param name="value">A finite double.</param>
    /// <returns>The canonical number text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public static string FormatNumber(double value)
    {
        Span<byte> buffer = stackalloc byte[EcmaScriptNumber.MaxLength];
        int length = EcmaScriptNumber.Write(value, buffer);
        return Encoding.ASCII.GetString(buffer[..length]);
    }
}
