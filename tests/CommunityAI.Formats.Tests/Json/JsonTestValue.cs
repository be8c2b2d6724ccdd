using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace CommunityAI.Formats.Tests.Json;

/// <summary>
/// A random JSON value for property tests, renderable as many different but equivalent texts:
/// members in any order, strings escaped or raw, whitespace or not.
/// </summary>
public sealed class JsonTestValue
{
    // Text elements rather than chars, so that surrogate pairs stay whole: every generated string is valid Unicode.
    private static readonly string[] Pieces =
    [
        "a", "b", "z", "A", "Z", "0", "9", " ", "_", "-", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t",
        "\u0000", "\u0001", "\u001f", "\u007f", "\u0080", "\u00e9", "\u00f6", "\u20ac", "\u2028", "\ud7ff",
        "\ue000", "\ufb33", "\uffff", "\U0001F600", "\U0001F602", "\U0010FFFF",
    ];

    private readonly Kind kind;
    private readonly string text = "";
    private readonly IReadOnlyList<(string Name, JsonTestValue Value)> members = [];
    private readonly IReadOnlyList<JsonTestValue> items = [];

    private JsonTestValue(Kind kind, string text = "", IReadOnlyList<(string, JsonTestValue)>? members = null, IReadOnlyList<JsonTestValue>? items = null)
    {
        this.kind = kind;
        this.text = text;
        this.members = members ?? [];
        this.items = items ?? [];
    }

    private enum Kind { Literal, Number, String, Object, Array }

    public static Arbitrary<JsonTestValue> Values() => Gen.Sized(size => Tree(Math.Min(size, 40))).ToArbitrary();

    /// <summary>Renders the value; <paramref name="seed"/> picks member order, escaping and whitespace.</summary>
    public string Render(int seed)
    {
        var builder = new StringBuilder();
        Render(builder, new Random(seed));
        return builder.ToString();
    }

    public override string ToString() => Render(0);

    private static Gen<JsonTestValue> Tree(int size)
    {
        var leaf = Gen.OneOf(
            Gen.Elements("null", "true", "false").Select(t => new JsonTestValue(Kind.Literal, t)),
            // Doubles the canonicalizer accepts: finite, and not integers between 2^53 and 1e21.
            ArbMap.Default.GeneratorFor<double>().Where(d => double.IsFinite(d) && Math.Abs(d) is <= 9007199254740992 or >= 1e21)
                .Select(d => new JsonTestValue(Kind.Number, d.ToString("R", CultureInfo.InvariantCulture))),
            Gen.Choose(-1_000_000, 1_000_000).Select(i => new JsonTestValue(Kind.Number, i.ToString(CultureInfo.InvariantCulture))),
            Strings().Select(s => new JsonTestValue(Kind.String, s)));
        if (size <= 1)
            return leaf;

        var child = Gen.Sized(s => Tree(s / 3)).Resize(size);
        var count = Gen.Choose(0, Math.Min(size / 4, 6));
        var array = count.SelectMany(n => Gen.ListOf(child, n)).Select(list => new JsonTestValue(Kind.Array, items: [.. list]));
        var obj = count.SelectMany(n => Gen.ListOf(Gen.Zip(Strings(), child), n))
            .Select(pairs => new JsonTestValue(Kind.Object, members: [.. pairs.DistinctBy(p => p.Item1)]));
        return Gen.Frequency((3, leaf), (1, array), (2, obj));
    }

    private static Gen<string> Strings() =>
        Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(string.Concat);

    private void Render(StringBuilder output, Random random)
    {
        string space = random.Next(4) == 0 ? " " : "";
        switch (kind)
        {
            case Kind.Literal or Kind.Number:
                output.Append(text);
                break;
            case Kind.String:
                RenderString(output, text, random);
                break;
            case Kind.Array:
                output.Append('[').Append(space);
                for (int i = 0; i < items.Count; i++)
                {
                    if (i > 0)
                        output.Append(',').Append(space);
                    items[i].Render(output, random);
                }
                output.Append(space).Append(']');
                break;
            case Kind.Object:
                output.Append('{').Append(space);
                var shuffled = members.OrderBy(_ => random.Next()).ToList();
                for (int i = 0; i < shuffled.Count; i++)
                {
                    if (i > 0)
                        output.Append(',').Append(space);
                    RenderString(output, shuffled[i].Name, random);
                    output.Append(space).Append(':').Append(space);
                    shuffled[i].Value.Render(output, random);
                }
                output.Append(space).Append('}');
                break;
        }
    }

    private static void RenderString(StringBuilder output, string value, Random random)
    {
        output.Append('"');
        bool escape = false;
        foreach (char c in value)
        {
            // A low surrogate follows its high surrogate's choice: "\ud83d" followed by a raw low half is not a character.
            if (!char.IsLowSurrogate(c))
                escape = c < 0x20 || c == '"' || c == '\\' || random.Next(3) == 0;
            if (escape)
                output.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else
                output.Append(c);
        }
        output.Append('"');
    }
}
