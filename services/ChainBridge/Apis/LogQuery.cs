using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace CommunityAI.ChainBridge.Apis;

/// <summary>
/// Reads the log API's numeric query parameters strictly: one plain decimal number (digits only, no sign,
/// no spaces, at most <see cref="long.MaxValue"/>), each failure recorded against the parameter's name.
/// Binding them as strings here, not as <c>long?</c>, is what lets a bad value get a problem that names it.
/// </summary>
public sealed class LogQuery
{
    // long.MaxValue has 19 digits; a longer value is refused before parsing, however it is padded.
    private const int MaxDigits = 19;

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public bool IsValid => Errors.Count == 0;

    /// <summary>The parameter's value, or null when it is absent (an error too when <paramref name="required"/>) or malformed.</summary>
    public long? Number(string name, string[]? values, bool required)
    {
        var raw = new StringValues(values);
        if (raw.Count == 0)
        {
            if (required)
                Fail(name, $"{name} is required: a whole number from 0 to {long.MaxValue}");
            return null;
        }
        if (raw.Count > 1)
            return Refuse(name, $"{name} was given {raw.Count} times; give it once");
        var text = raw[0] ?? "";
        if (text.Length == 0)
            return Refuse(name, $"{name} is empty: give a whole number from 0 to {long.MaxValue}");
        if (text[0] == '-' && text.Length > 1 && !text.AsSpan(1).ContainsAnyExceptInRange('0', '9'))
            return Refuse(name, $"{name} must not be negative");
        if (text.AsSpan().ContainsAnyExceptInRange('0', '9'))
            return Refuse(name, $"{name} must be a whole decimal number (digits only, no sign, spaces or separators)");
        if (text.Length > MaxDigits || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return Refuse(name, $"{name} is too large: at most {long.MaxValue} ({MaxDigits} digits)");
        return value;
    }

    public void Fail(string name, string message) => Errors[name] = [.. Errors.GetValueOrDefault(name) ?? [], message];

    private long? Refuse(string name, string message)
    {
        Fail(name, message);
        return null;
    }
}
