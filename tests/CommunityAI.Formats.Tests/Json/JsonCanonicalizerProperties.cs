using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommunityAI.Formats.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommunityAI.Formats.Tests.Json;

public partial class JsonCanonicalizerProperties
{
    [Property(MaxTest = 300)]
    public Property Canonicalizing_twice_is_identity() =>
        Prop.ForAll(JsonTestValue.Values(), ArbMap.Default.ArbFor<int>(), (value, seed) =>
        {
            var once = JsonCanonicalizer.Canonicalize(value.Render(seed));
            return once.AsSpan().SequenceEqual(JsonCanonicalizer.Canonicalize(once));
        });

    [Property(MaxTest = 300)]
    public Property Member_order_escaping_and_whitespace_of_the_input_never_change_the_output() =>
        Prop.ForAll(JsonTestValue.Values(), ArbMap.Default.ArbFor<int>(), ArbMap.Default.ArbFor<int>(), (value, seed1, seed2) =>
            JsonCanonicalizer.Canonicalize(value.Render(seed1)).AsSpan().SequenceEqual(JsonCanonicalizer.Canonicalize(value.Render(seed2))));

    [Property(MaxTest = 300)]
    public Property Canonical_output_is_the_same_json_value_without_whitespace() =>
        Prop.ForAll(JsonTestValue.Values(), ArbMap.Default.ArbFor<int>(), (value, seed) =>
        {
            var text = value.Render(seed);
            var canonical = JsonCanonicalizer.Canonicalize(text);
            using var original = JsonDocument.Parse(text);
            using var result = JsonDocument.Parse(canonical);
            return JsonElement.DeepEquals(original.RootElement, result.RootElement)
                && canonical.Contains((byte)' ') == HasSpaceInStrings(result.RootElement);
        });

    [Property(MaxTest = 2000)]
    public Property Every_finite_double_round_trips_through_its_canonical_form() =>
        Prop.ForAll(ArbMap.Default.ArbFor<double>().Filter(double.IsFinite), value =>
        {
            var text = JsonCanonicalizer.FormatNumber(value);
            return (double.Parse(text, CultureInfo.InvariantCulture) == value && EcmaScriptNumberShape().IsMatch(text)).Label(text);
        });

    [Property(MaxTest = 2000)]
    public Property Every_double_bit_pattern_round_trips_through_its_canonical_form() =>
        Prop.ForAll(ArbMap.Default.ArbFor<ulong>(), bits =>
        {
            var value = BitConverter.UInt64BitsToDouble(bits);
            if (!double.IsFinite(value))
                return true.Label("not finite");
            var text = JsonCanonicalizer.FormatNumber(value);
            return (double.Parse(text, CultureInfo.InvariantCulture) == (value == 0 ? 0 : value) && EcmaScriptNumberShape().IsMatch(text)).Label(text);
        });

    private static bool HasSpaceInStrings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Contains(' ', StringComparison.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Any(HasSpaceInStrings),
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.Name.Contains(' ', StringComparison.Ordinal) || HasSpaceInStrings(p.Value)),
        _ => false,
    };

    // ECMAScript output: no leading zeros, no trailing fractional zeros, no "+" on plain numbers, exponent
    // only as e+N / e-N without leading zeros; -0 never appears.
    [GeneratedRegex(@"^(0|-?(([1-9][0-9]*(\.[0-9]*[1-9])?)|(0\.[0-9]*[1-9])|([1-9](\.[0-9]*[1-9])?e[+-][1-9][0-9]*)))$")]
    private static partial Regex EcmaScriptNumberShape();
}
