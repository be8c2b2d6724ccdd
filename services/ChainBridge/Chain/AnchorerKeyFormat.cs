using System.Globalization;
using System.Numerics;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// What an anchoring key must look like: 32 bytes of hex (0x optional) that are a valid secp256k1
/// private key. Every message here describes the rule that failed, never the value.
/// </summary>
public static class AnchorerKeyFormat
{
    // secp256k1's group order: a private key is an integer in [1, n - 1].
    private static readonly BigInteger CurveOrder = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    /// <summary>The key in canonical form (0x + 64 lower-case hex digits), or null with <paramref name="problem"/> saying why not.</summary>
    public static string? Normalize(string? candidate, out string problem)
    {
        // Secrets written from files often end in a newline; that is not part of the key.
        var key = candidate?.Trim() ?? "";
        if (key.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            key = key[2..];
        if (key.Length == 0)
        {
            problem = "it is empty";
            return null;
        }
        if (key.Length != 64)
        {
            problem = $"it has {key.Length} hex digits after an optional 0x, not 64";
            return null;
        }
        if (!key.All(char.IsAsciiHexDigit))
        {
            problem = "it contains characters that are not hex digits";
            return null;
        }
        var scalar = BigInteger.Parse("0" + key, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (scalar.IsZero || scalar >= CurveOrder)
        {
            problem = "it is outside secp256k1's private-key range [1, n-1]";
            return null;
        }
        problem = "";
        return "0x" + key.ToLowerInvariant();
    }
}
