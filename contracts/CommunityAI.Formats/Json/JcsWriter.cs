using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using System.Text.Json;

namespace CommunityAI.Formats.Json;

/// <summary>Walks a parsed value and writes its canonical form, tracking the JSONPath for error messages.</summary>
internal sealed class JcsWriter(IBufferWriter<byte> output)
{
    private static readonly Comparison<Member> ByUtf16CodeUnits = (a, b) => string.CompareOrdinal(a.Name, b.Name);
    private readonly List<object> path = [];

    public void WriteValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element);
                break;
            case JsonValueKind.Array:
                WriteArray(element);
                break;
            case JsonValueKind.String:
                if (!TryWriteUnescaped(element))
                    WriteString(ReadString(element));
                break;
            case JsonValueKind.Number:
                WriteNumber(element);
                break;
            case JsonValueKind.True:
                Write("true"u8);
                break;
            case JsonValueKind.False:
                Write("false"u8);
                break;
            case JsonValueKind.Null:
                Write("null"u8);
                break;
            default:
                throw Error($"unexpected JSON value kind {element.ValueKind}");
        }
    }

    private void WriteObject(JsonElement element)
    {
        int count = element.GetPropertyCount();
        var members = ArrayPool<Member>.Shared.Rent(count);
        try
        {
            int i = 0;
            foreach (var property in element.EnumerateObject())
                members[i++] = new Member(ReadName(property), property.Value);
            var sorted = members.AsSpan(0, count);
            sorted.Sort(ByUtf16CodeUnits);

            WriteByte((byte)'{');
            for (i = 0; i < sorted.Length; i++)
            {
                if (i > 0)
                {
                    // RFC 7493 §2.3: I-JSON objects have unique names; with duplicates there is no single canonical form.
                    if (string.Equals(sorted[i - 1].Name, sorted[i].Name, StringComparison.Ordinal))
                        throw Error($"duplicate member name \"{sorted[i].Name}\"");
                    WriteByte((byte)',');
                }
                WriteString(sorted[i].Name);
                WriteByte((byte)':');
                path.Add(sorted[i].Name);
                WriteValue(sorted[i].Value);
                path.RemoveAt(path.Count - 1);
            }
            WriteByte((byte)'}');
        }
        finally
        {
            ArrayPool<Member>.Shared.Return(members, clearArray: true);
        }
    }

    private void WriteArray(JsonElement element)
    {
        WriteByte((byte)'[');
        int index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (index > 0)
                WriteByte((byte)',');
            path.Add(index++);
            WriteValue(item);
            path.RemoveAt(path.Count - 1);
        }
        WriteByte((byte)']');
    }

    private void WriteNumber(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.IndexOfAny(".eE"u8) < 0)
        {
            // An integer literal: exact only within ±2^53. TryGetInt64 reads the literal itself, so
            // 9007199254740993 is caught even though it would round to a double that looks in range.
            if (!element.TryGetInt64(out long integer) || integer is > JsonCanonicalizer.MaxExactInteger or < -JsonCanonicalizer.MaxExactInteger)
                throw Error($"integer {Encoding.UTF8.GetString(raw)} is outside ±2^53 and cannot be represented exactly; send it as a string");
            Span<byte> digits = stackalloc byte[20];
            integer.TryFormat(digits, out int length, default, CultureInfo.InvariantCulture);
            Write(digits[..length]);
            return;
        }

        if (!element.TryGetDouble(out double value) || !double.IsFinite(value))
            throw Error($"number {Encoding.UTF8.GetString(raw)} is outside the range of an IEEE 754 double");

        // Every double beyond 2^53 is an integer, and below 1e21 ECMAScript writes it as plain digits
        // ("1.5e17" becomes 150000000000000000): output that most readers take for an exact integer
        // and that the rule above would refuse when read back. From 1e21 on it is written in exponent
        // form, which no reader mistakes for an exact integer, so RFC 8785's own 1E30 passes.
        if (Math.Abs(value) is > JsonCanonicalizer.MaxExactInteger and < 1e21)
            throw Error($"number {Encoding.UTF8.GetString(raw)} is an integer outside ±2^53 that canonical JSON would write as inexact digits; send it as a string");
        Span<byte> buffer = stackalloc byte[EcmaScriptNumber.MaxLength];
        Write(buffer[..EcmaScriptNumber.Write(value, buffer)]);
    }

    /// <summary>
    /// Copies a string that holds no escape as it stands in the input: JSON allows no raw control character, quote or
    /// backslash inside a string, and RFC 8785 writes every other character as raw UTF-8, so those bytes are already
    /// canonical. Saves decoding and re-encoding the most common strings; anything else takes the full path.
    /// </summary>
    private bool TryWriteUnescaped(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length < 2 || raw[0] != '"' || raw[^1] != '"' || raw[1..^1].Contains((byte)'\\') || !Utf8.IsValid(raw))
            return false;
        Write(raw);
        return true;
    }

    public void WriteStringValue(ReadOnlySpan<char> value) => WriteString(value);

    private void WriteString(ReadOnlySpan<char> value)
    {
        WriteByte((byte)'"');
        int run = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsSurrogate(c))
            {
                // RFC 7493 §2.1: strings must be valid Unicode, so surrogates only come in pairs.
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                    continue;
                }
                throw Error($"string holds a lone surrogate U+{(int)c:X4}");
            }
            if (c >= 0x20 && c != '"' && c != '\\')
                continue;

            WriteUtf8(value[run..i]);
            run = i + 1;
            switch (c)
            {
                case '"': Write("\\\""u8); break;
                case '\\': Write("\\\\"u8); break;
                case '\b': Write("\\b"u8); break;
                case '\f': Write("\\f"u8); break;
                case '\n': Write("\\n"u8); break;
                case '\r': Write("\\r"u8); break;
                case '\t': Write("\\t"u8); break;
                default:
                    Write("\\u00"u8);
                    WriteByte(LowerHex(c >> 4));
                    WriteByte(LowerHex(c & 0xF));
                    break;
            }
        }
        WriteUtf8(value[run..]);
        WriteByte((byte)'"');
    }

    private string ReadName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException e)
        {
            throw Error("member name is not valid Unicode", e);
        }
    }

    private string ReadString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json refuses to unescape lone surrogates such as "\ud800".
            throw Error("string is not valid Unicode", e);
        }
    }

    private static byte LowerHex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private void WriteUtf8(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
            return;
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(chars.Length));
        output.Advance(Encoding.UTF8.GetBytes(chars, span));
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    private void WriteByte(byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }

    private JsonCanonicalizationException Error(string reason, Exception? inner = null) => new(reason, RenderPath(), inner);

    private string RenderPath()
    {
        var text = new StringBuilder("$");
        foreach (var segment in path)
        {
            if (segment is int index)
                text.Append('[').Append(index).Append(']');
            else if (segment is string name && name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                text.Append('.').Append(name);
            else
                text.Append("['").Append(((string)segment).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
        }
        return text.ToString();
    }

    private readonly record struct Member(string Name, JsonElement Value);
}
