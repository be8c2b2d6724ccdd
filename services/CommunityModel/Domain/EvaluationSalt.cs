using System.Security.Cryptography;
using CommunityAI.Formats;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// An evaluation period's secret: 32 random bytes, committed as their SHA-256 before any split uses them and revealed
/// when the period ends. 256 bits cannot be guessed from the commitment, and SHA-256 binds the service to the salt.
/// </summary>
public static class EvaluationSalt
{
    public const int Length = 32;

    public static byte[] Draw() => RandomNumberGenerator.GetBytes(Length);

    /// <summary>SHA-256 of the salt, 0x-prefixed lowercase hex.</summary>
    public static string Commitment(ReadOnlySpan<byte> salt) => Hex.Encode(SHA256.HashData(salt));

    /// <summary>True when <paramref name="saltHex"/> is a 32-byte salt whose SHA-256 is <paramref name="commitment"/>.</summary>
    public static bool Opens(string saltHex, string commitment) =>
        Hex.TryDecode(saltHex, out var salt, Length) && string.Equals(Commitment(salt), commitment, StringComparison.OrdinalIgnoreCase);
}
