namespace CommunityAI.Formats;

/// <summary>
/// 0x-prefixed lowercase hex, the way every hash and id in our public formats travels.
/// </summary>
public static class Hex
{
    /// <summary>Formats bytes as 0x-prefixed lowercase hex.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    /// <summary>
    /// Parses 0x-prefixed hex (either case). Returns false for a missing prefix, an odd length,
    /// a non-hex character or, when <paramref name="expectedLength"/> is given, the wrong byte length.
    /// </summary>
    public static bool TryDecode(string? text, out byte[] bytes, int? expectedLength = null)
    {
        bytes = [];
        if (text is null || text.Length < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
            return false;
        var digits = text.AsSpan(2);
        if (digits.Length % 2 != 0 || (expectedLength is int n && digits.Length != n * 2))
            return false;
        foreach (var c in digits)
            if (!char.IsAsciiHexDigit(c))
                return false;
        bytes = Convert.FromHexString(digits);
        return true;
    }

    /// <summary>Parses 0x-prefixed hex or throws <see cref="FormatException"/> naming what was wrong.</summary>
    public static byte[] Decode(string text, int? expectedLength = null) =>
        TryDecode(text, out var bytes, expectedLength)
            ? bytes
            : throw new FormatException(expectedLength is int n
                ? $"expected 0x-prefixed hex of {n} bytes"
                : "expected 0x-prefixed hex with an even number of digits");
}
