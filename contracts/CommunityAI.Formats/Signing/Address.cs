namespace CommunityAI.Formats.Signing;

/// <summary>
/// Ethereum addresses as our public formats carry them: accepted in any case on input, written as
/// EIP-55 checksummed hex on output. Mixed-case input must carry a valid checksum, since a wallet
/// that wrote mixed case meant it as one and a mismatch means a typo (the same rule as ethers' <c>getAddress</c>).
/// </summary>
public static class Address
{
    /// <summary>Length of an address in bytes.</summary>
    public const int Size = 20;

    /// <summary>The zero address, which no private key controls.</summary>
    public const string Zero = "0x0000000000000000000000000000000000000000";

    /// <summary>True when <paramref name="text"/> is an acceptable address (see <see cref="Parse"/>).</summary>
    public static bool IsValid(string? text) => TryDecode(text, stackalloc byte[Size]) is null;

    /// <summary>Parses an address and returns it EIP-55 checksummed, or returns false.</summary>
    public static bool TryParse(string? text, out string checksummed)
    {
        Span<byte> bytes = stackalloc byte[Size];
        var error = TryDecode(text, bytes);
        checksummed = error is null ? Format(bytes) : "";
        return error is null;
    }

    /// <summary>
    /// Parses "0x" followed by 40 hex digits, all lowercase, all uppercase or correctly EIP-55 checksummed,
    /// and returns the EIP-55 form. Throws <see cref="FormatException"/> saying which rule failed.
    /// </summary>
    public static string Parse(string text)
    {
        Span<byte> bytes = stackalloc byte[Size];
        return TryDecode(text, bytes) is { } error ? throw new FormatException(error) : Format(bytes);
    }

    /// <summary>Formats 20 address bytes as EIP-55 checksummed hex.</summary>
    public static string Format(ReadOnlySpan<byte> address)
    {
        if (address.Length != Size)
            throw new ArgumentException($"an address is {Size} bytes, not {address.Length}", nameof(address));
        Span<char> digits = stackalloc char[Size * 2];
        Checksum(address, digits);
        return string.Concat("0x", digits);
    }

    /// <summary>
    /// Decodes <paramref name="text"/> into <paramref name="address"/> (20 bytes) and returns null,
    /// or returns the reason it is not an address. Allocation-free, for bulk inputs such as claim trees.
    /// </summary>
    internal static string? TryDecode(string? text, Span<byte> address)
    {
        if (text is null)
            return "an address is required";
        if (text.Length != 2 + Size * 2 || !text.StartsWith("0x", StringComparison.Ordinal))
            return "an address is 0x followed by 40 hex digits";
        var digits = text.AsSpan(2);
        bool hasLower = false, hasUpper = false;
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
                return "an address is 0x followed by 40 hex digits";
            hasLower |= char.IsAsciiLetterLower(c);
            hasUpper |= char.IsAsciiLetterUpper(c);
        }
        Convert.FromHexString(digits, address, out _, out _);
        if (hasLower && hasUpper)
        {
            Span<char> expected = stackalloc char[Size * 2];
            Checksum(address, expected);
            if (!digits.SequenceEqual(expected))
                return "the address has mixed case but an invalid EIP-55 checksum";
        }
        return null;
    }

    // EIP-55: the i-th letter is uppercase when the i-th nibble of keccak256(lowercase hex) is 8 or more.
    private static void Checksum(ReadOnlySpan<byte> address, Span<char> digits)
    {
        Convert.TryToHexStringLower(address, digits, out _);
        Span<byte> ascii = stackalloc byte[Size * 2];
        for (var i = 0; i < ascii.Length; i++)
            ascii[i] = (byte)digits[i];
        Span<byte> hash = stackalloc byte[Keccak256.Size];
        Keccak256.Hash(ascii, hash);
        for (var i = 0; i < digits.Length; i++)
        {
            var nibble = (i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2]) & 0xF;
            if (nibble >= 8)
                digits[i] = char.ToUpperInvariant(digits[i]);
        }
    }
}
