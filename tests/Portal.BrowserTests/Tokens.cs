using System.Globalization;
using System.Numerics;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>Token amounts as the pages show them.</summary>
public static class Tokens
{
    private static readonly BigInteger One = BigInteger.Pow(10, 18);

    /// <summary>Base units as ethers' formatUnits with 18 decimals shows them (at least one decimal place).</summary>
    public static string Shown(string units) => Shown(BigInteger.Parse(units, CultureInfo.InvariantCulture));

    public static string Shown(BigInteger units)
    {
        var whole = BigInteger.DivRem(BigInteger.Abs(units), One, out var fraction);
        var decimals = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(18, '0').TrimEnd('0');
        return $"{(units.Sign < 0 ? "-" : "")}{whole}.{(decimals.Length == 0 ? "0" : decimals)}";
    }
}
