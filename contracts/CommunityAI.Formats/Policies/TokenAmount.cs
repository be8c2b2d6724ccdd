using System.Globalization;
using System.Numerics;

namespace CommunityAI.Formats.Policies;

/// <summary>Token amounts as they travel: base units (18 decimals) written as plain decimal digits, within uint256.</summary>
public static class TokenAmount
{
    /// <summary>One whole token in base units (10^18).</summary>
    public static readonly BigInteger OneToken = BigInteger.Pow(10, 18);
    /// <summary>The largest amount a claim can carry (2^256 − 1).</summary>
    public static readonly BigInteger MaxUint256 = BigInteger.Pow(2, 256) - 1;

    /// <summary>Parses digits only (no sign, no exponent, no separators) up to 2^256 − 1; returns the rule broken, or null.</summary>
    public static string? TryParse(string? text, out BigInteger amount)
    {
        amount = BigInteger.Zero;
        if (string.IsNullOrEmpty(text))
            return "an amount is required, as a decimal string of token base units";
        if (text.Length > 78 || !text.All(char.IsAsciiDigit))
            return "an amount is a non-negative decimal integer of token base units (digits only, at most 2^256 - 1)";
        amount = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return amount > MaxUint256 ? "the amount does not fit in uint256" : null;
    }

    /// <summary>Parses an amount already known to be valid; throws <see cref="FormatException"/> otherwise.</summary>
    public static BigInteger Parse(string text) =>
        TryParse(text, out var amount) is { } error ? throw new FormatException(error) : amount;

    /// <summary>The amount as plain decimal digits.</summary>
    public static string Format(BigInteger amount) => amount.ToString(CultureInfo.InvariantCulture);
}
