using System.Security.Cryptography;
using System.Text;

namespace CommunityAI.Formats;

/// <summary>
/// The salt line every inline content begins with, so that its public content hash cannot be guessed: without it, the
/// SHA-256 of a short text ("yes", a name, a date) is found by hashing candidates, and the log would keep the text
/// recoverable for ever, erasure or not. The contributor draws 32 random bytes and stores
/// <c>"communityai-salt:" ‖ 64 lowercase hex digits ‖ "\n" ‖ content</c>; the signed <c>contentHash</c> is the
/// SHA-256 of those stored bytes. Checks on the content itself (duplicates, text rules) read what follows the line.
/// </summary>
public static class ContentSalt
{
    /// <summary>What the stored bytes begin with.</summary>
    public const string Prefix = "communityai-salt:";

    /// <summary>Length of the whole salt line in bytes: prefix, 64 hex digits, newline.</summary>
    public const int LineLength = 17 + 64 + 1;

    /// <summary>The stored bytes for <paramref name="content"/> with a fresh random salt (what a client does).</summary>
    public static byte[] Add(ReadOnlySpan<byte> content) => Add(content, RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored bytes for <paramref name="content"/> with the given 32-byte salt.</summary>
    public static byte[] Add(ReadOnlySpan<byte> content, ReadOnlySpan<byte> salt)
    {
        if (salt.Length != 32)
            throw new ArgumentException("the salt is 32 bytes", nameof(salt));
        var line = Encoding.ASCII.GetBytes(Prefix + Convert.ToHexStringLower(salt) + "\n");
        return [.. line, .. content];
    }

    /// <summary>True when <paramref name="stored"/> begins with a well-formed salt line; <paramref name="content"/> is what follows it.</summary>
    public static bool TryStrip(ReadOnlySpan<byte> stored, out ReadOnlySpan<byte> content)
    {
        content = default;
        if (stored.Length < LineLength || !stored[..Prefix.Length].SequenceEqual("communityai-salt:"u8) || stored[LineLength - 1] != (byte)'\n')
            return false;
        foreach (var b in stored[Prefix.Length..(LineLength - 1)])
            if (b is not (>= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f'))
                return false;
        content = stored[LineLength..];
        return true;
    }
}
