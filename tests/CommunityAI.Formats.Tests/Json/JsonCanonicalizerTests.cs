using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CommunityAI.Formats.Json;

namespace CommunityAI.Formats.Tests.Json;

/// <summary>
/// The examples of RFC 8785 (§3.2.2, §3.2.3 and Appendix B) and the cyberphone/json-canonicalization
/// test data by the RFC's authors (https://github.com/cyberphone/json-canonicalization/tree/master/testdata).
/// </summary>
public class JsonCanonicalizerTests
{
    private static string Canonical(string json) => Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(json));

    [Fact]
    public void The_RFC_8785_section_3_2_2_example_canonicalizes_as_published()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50,
                          2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;

        Assert.Equal("""{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""", Canonical(input));
    }

    [Fact]
    public void Non_ascii_characters_are_written_as_raw_utf8()
    {
        // RFC 8785 §3.2.2.2: "€" is the three bytes e2 82 ac, not an escape.
        Assert.Equal([(byte)'"', 0xe2, 0x82, 0xac, (byte)'"'], JsonCanonicalizer.Canonicalize("\"\\u20ac\""));
    }

    [Fact]
    public void Members_are_sorted_by_utf16_code_units_as_in_RFC_8785_section_3_2_3()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        var order = JsonDocument.Parse(JsonCanonicalizer.Canonicalize(input)).RootElement.EnumerateObject().Select(p => p.Value.GetString());

        Assert.Equal(
            ["Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign", "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"],
            order);
    }

    // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical JSON numbers.
    [Theory]
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0x41b3de4355555555UL, "333333333.3333333")]
    [InlineData(0x41b3de4355555556UL, "333333333.3333334")]
    [InlineData(0x41b3de4355555557UL, "333333333.33333343")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void Numbers_serialize_as_in_RFC_8785_appendix_B(ulong bits, string expected)
    {
        var value = BitConverter.UInt64BitsToDouble(bits);

        Assert.Equal(expected, JsonCanonicalizer.FormatNumber(value));
    }

    [Theory]
    [InlineData("1e+21")]
    [InlineData("1e-7")]
    [InlineData("0.000001")]
    [InlineData("5e-324")]
    [InlineData("1.7976931348623157e+308")]
    [InlineData("333333333.3333333")]
    [InlineData("-0.0000033333333333333333")]
    [InlineData("9.999999999999997e+22")]
    public void Canonical_numbers_in_json_text_come_out_unchanged(string number)
    {
        Assert.Equal($"[{number}]", Canonical($"[{number}]"));
    }

    [Theory]
    [InlineData("-0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData("1.0", "1")]
    [InlineData("100", "100")]
    [InlineData("1E2", "100")]
    [InlineData("0.1e-6", "1e-7")]
    [InlineData("12345678901234567e5", "1.2345678901234568e+21")]
    [InlineData("9007199254740992", "9007199254740992")]
    [InlineData("-9007199254740992", "-9007199254740992")]
    [InlineData("123456789012345.678", "123456789012345.67")]
    [InlineData("1E21", "1e+21")]
    [InlineData("-1e21", "-1e+21")]
    [InlineData("9007199254740992.0", "9007199254740992")]
    public void Number_literals_take_their_ecmascript_form(string literal, string expected)
    {
        Assert.Equal(expected, Canonical(literal));
    }

    [Theory]
    [InlineData("9007199254740993")]
    [InlineData("-9007199254740993")]
    [InlineData("18446744073709551615")]
    [InlineData("100000000000000000000000000000")]
    [InlineData("1000000000000000000000")]
    [InlineData("9007199254740994.0")]
    [InlineData("1.5e17")]
    [InlineData("-2.9514790517935283e20")]
    [InlineData("9.999999999999999e20")]
    public void Integers_beyond_2_pow_53_are_refused_because_they_would_not_round_trip(string literal)
    {
        var error = Assert.Throws<JsonCanonicalizationException>(() => Canonical($$"""{"amount":{{literal}}}"""));

        Assert.Equal("$.amount", error.Path);
        Assert.Contains(literal, error.Message);
        Assert.Contains("2^53", error.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NaN_and_infinity_are_refused(double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JsonCanonicalizer.FormatNumber(value));
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(new JsonObject { ["x"] = value }));
    }

    [Fact]
    public void Numbers_beyond_the_double_range_are_refused()
    {
        var error = Assert.Throws<JsonCanonicalizationException>(() => Canonical("[1, 1e400]"));

        Assert.Equal("$[1]", error.Path);
    }

    [Fact]
    public void Only_the_mandatory_escapes_are_written()
    {
        var input = "\"\\u0000\\u0008\\u0009\\u000a\\u000c\\u000d\\u001f\\u0022\\u005c\\/\\u007f\\u00e9\\u2028\\ud83d\\ude00<>&'\"";

        Assert.Equal("\"\\u0000\\b\\t\\n\\f\\r\\u001f\\\"\\\\/\u007f\u00e9\u2028\U0001F600<>&'\"", Canonical(input));
    }

    [Fact]
    public void Whitespace_between_tokens_is_dropped_but_kept_inside_strings()
    {
        Assert.Equal("""{"a b":[1,{"c":" d "}]}""", Canonical(" { \"a b\" : [ 1 , { \"c\" : \" d \" } ] } \n"));
    }

    [Theory]
    [MemberData(nameof(CyberphoneVectors))]
    public void The_cyberphone_test_data_canonicalizes_as_published(string name, string input, string expected)
    {
        Assert.True(expected == Canonical(input), name);
    }

    public static TheoryData<string, string, string> CyberphoneVectors => new()
    {
        {
            "structures",
            "{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56.0},\n  \"10\": { },\n  \"\": \"empty\",\n  \"a\": { },\n  \"111\": [ { } ],\n  \"A\": { }\n}",
            "{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},\"10\":{},\"111\":[{}],\"A\":{},\"a\":{}}"
        },
        {
            "values",
            "{\n  \"numbers\": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],\n  \"escaping\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}",
            "{\"escaping\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\",\"literals\":[null,true,false],\"numbers\":[1e+30,4.5,333333333.3333333,0.002,1e-27]}"
        },
        {
            "weird",
            "{\n  \"\\u20ac\": \"Euro Sign\",\n  \"1\": \"One\",\n  \"\\u0080\": \"Control\\u007f\",\n  \"\\ud83d\\ude02\": \"Smiley\",\n  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\",\n  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n  \"</script>\": \"Browser Challenge\"\n}\n",
            "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u0080\":\"Control\u007f\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\U0001F602\":\"Smiley\",\"\uFB33\":\"Hebrew Letter Dalet With Dagesh\"}"
        },
    };

    [Fact]
    public void Duplicate_member_names_are_refused_with_the_object_path()
    {
        var error = Assert.Throws<JsonCanonicalizationException>(() => Canonical("""{"data":{"items":[{"a":1,"b":2,"a":3}]}}"""));

        Assert.Equal("$.data.items[0]", error.Path);
        Assert.Contains("duplicate member name \"a\"", error.Message);
    }

    [Fact]
    public void Names_that_differ_only_by_escaping_are_duplicates()
    {
        Assert.Throws<JsonCanonicalizationException>(() => Canonical("""{"a":1,"\u0061":2}"""));
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\udc00x\"")]
    [InlineData("{\"\\ud800\":1}")]
    public void Lone_surrogates_are_refused(string input)
    {
        Assert.Throws<JsonCanonicalizationException>(() => Canonical(input));
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize([(byte)'"', 0xff, 0xfe, (byte)'"']));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[1,]")]
    [InlineData("{} {}")]
    [InlineData("[1] x")]
    [InlineData("// comment\n1")]
    [InlineData("NaN")]
    [InlineData("'single'")]
    public void Text_that_is_not_a_single_json_value_is_refused(string input)
    {
        var error = Assert.Throws<JsonCanonicalizationException>(() => Canonical(input));

        Assert.Equal("$", error.Path);
    }

    [Fact]
    public void Elements_nodes_text_and_typed_values_canonicalize_alike()
    {
        const string json = """{"z":[1,2.5,"x"],"a":{"k":true,"b":null}}""";
        const string expected = """{"a":{"b":null,"k":true},"z":[1,2.5,"x"]}""";

        Assert.Equal(expected, Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(JsonDocument.Parse(json).RootElement)));
        Assert.Equal(expected, Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(JsonNode.Parse(json))));
        Assert.Equal(expected, Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json).AsSpan())));
        Assert.Equal("null", Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize((JsonNode?)null)));
    }

    [Fact]
    public void A_node_holding_a_large_unsigned_integer_is_refused()
    {
        var error = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(new JsonObject { ["amount"] = ulong.MaxValue }));

        Assert.Equal("$.amount", error.Path);
    }

    [Fact]
    public void Paths_quote_names_that_are_not_identifiers()
    {
        var error = Assert.Throws<JsonCanonicalizationException>(() => Canonical("""{"a b":{"it's":[0,1e999]}}"""));

        Assert.Equal("$['a b']['it\\'s'][1]", error.Path);
    }

    [Fact]
    public void Output_can_go_to_a_caller_buffer()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        JsonCanonicalizer.Canonicalize("""{"b":1,"a":2}"""u8, buffer);

        Assert.Equal("""{"a":2,"b":1}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void A_log_entry_envelope_serialized_with_source_generated_metadata_canonicalizes()
    {
        var envelope = new EntryEnvelope(7, "contribution-42", "ContributionSubmitted", DateTimeOffset.Parse("2025-01-02T03:04:05Z", CultureInfo.InvariantCulture), JsonDocument.Parse("""{"score":0.5,"kind":"data"}""").RootElement);

        var bytes = JsonCanonicalizer.Canonicalize(envelope, EnvelopeJsonContext.Default.EntryEnvelope);

        Assert.Equal("""{"data":{"kind":"data","score":0.5},"eventType":"ContributionSubmitted","logIndex":7,"stream":"contribution-42","timestamp":"2025-01-02T03:04:05+00:00"}""", Encoding.UTF8.GetString(bytes));
    }
}

internal sealed record EntryEnvelope(long LogIndex, string Stream, string EventType, DateTimeOffset Timestamp, JsonElement Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EntryEnvelope))]
internal sealed partial class EnvelopeJsonContext : JsonSerializerContext;
