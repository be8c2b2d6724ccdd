using System.Globalization;

namespace CommunityAI.Formats.Json;

/// <summary>
/// Formats a double as ECMAScript's Number.prototype.toString does (ECMA-262 Number::toString),
/// which RFC 8785 §3.2.2.3 makes the canonical JSON number form.
/// </summary>
/// <remarks>
/// .NET's "R" format already yields the shortest digit string that round-trips (since .NET Core
/// 3.0), which is the digit choice ECMAScript requires; only the layout differs (where ECMAScript
/// switches to exponent form, "e+21" versus "E+21", no leading zeros in exponents), so this takes
/// the digits and exponent from "R" and lays them out the ECMAScript way.
/// </remarks>
internal static class EcmaScriptNumber
{
    /// <summary>Longest output: "-" + 17 digits + "e-324"-style tails or "0.00000" + 17 digits stay well under this.</summary>
    public const int MaxLength = 32;

    public static int Write(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "NaN and Infinity have no JSON representation (RFC 8785 §3.2.2.3)");
        if (value == 0)
        {
            // Both 0 and -0: ECMAScript prints "0".
            destination[0] = (byte)'0';
            return 1;
        }

        Span<char> text = stackalloc char[MaxLength];
        if (!value.TryFormat(text, out int textLength, "R", CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"could not format {value} as a round-trip number");
        text = text[..textLength];

        // Split "R" output, e.g. "-1.2345E-05" or "0.0001", into digits and a decimal point position n
        // such that value = 0.d1d2…dk × 10^n (the notation of ECMA-262 Number::toString).
        bool negative = text[0] == '-';
        int pos = negative ? 1 : 0;
        Span<byte> digits = stackalloc byte[MaxLength];
        int k = 0, pointAt = -1;
        for (; pos < text.Length && text[pos] != 'E'; pos++)
        {
            if (text[pos] == '.')
                pointAt = k;
            else
                digits[k++] = (byte)text[pos];
        }
        int n = (pointAt < 0 ? k : pointAt)
            + (pos < text.Length ? int.Parse(text[(pos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0);
        int leading = 0;
        while (digits[leading] == '0')
            leading++;
        n -= leading;
        var d = digits[leading..k];
        while (d[^1] == '0')
            d = d[..^1];
        k = d.Length;

        int w = 0;
        if (negative)
            destination[w++] = (byte)'-';
        if (k <= n && n <= 21)
        {
            // Integer: the digits, then zeros.
            d.CopyTo(destination[w..]);
            w += k;
            destination.Slice(w, n - k).Fill((byte)'0');
            w += n - k;
        }
        else if (0 < n && n <= 21)
        {
            // Point inside the digits.
            d[..n].CopyTo(destination[w..]);
            w += n;
            destination[w++] = (byte)'.';
            d[n..].CopyTo(destination[w..]);
            w += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            // Small fraction: "0.", -n zeros, the digits.
            destination[w++] = (byte)'0';
            destination[w++] = (byte)'.';
            destination.Slice(w, -n).Fill((byte)'0');
            w += -n;
            d.CopyTo(destination[w..]);
            w += k;
        }
        else
        {
            // Exponent form: d[.ddd]e±x, exponent without leading zeros and always signed.
            destination[w++] = d[0];
            if (k > 1)
            {
                destination[w++] = (byte)'.';
                d[1..].CopyTo(destination[w..]);
                w += k - 1;
            }
            destination[w++] = (byte)'e';
            destination[w++] = n - 1 < 0 ? (byte)'-' : (byte)'+';
            Math.Abs(n - 1).TryFormat(destination[w..], out int expLength, default, CultureInfo.InvariantCulture);
            w += expLength;
        }
        return w;
    }
}
