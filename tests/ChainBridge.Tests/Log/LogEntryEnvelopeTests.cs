using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Json;
using CommunityAI.ServiceDefaults.History;

namespace ChainBridge.Tests.Log;

/// <summary>
/// The log entry is a public format: auditors rebuild every entry from the history and hash it. The envelope is
/// written in one pass now; these tests hold it to the bytes of the way it was built before (a JSON tree canonicalized
/// whole, which is also how <c>communityai-audit</c> rebuilds it), over events chosen to hit every rule of RFC 8785.
/// </summary>
public sealed class LogEntryEnvelopeTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 15, 9, 26, 535, 897, TimeSpan.FromHours(2));

    /// <summary>The envelope as it was built before the one-pass writer: the oracle.</summary>
    private static byte[] TreeCanonicalized(long index, StoredEvent stored) => JsonCanonicalizer.Canonicalize(new JsonObject
    {
        ["index"] = index,
        ["sequence"] = stored.Sequence,
        ["stream"] = stored.StreamKey,
        ["version"] = stored.Version,
        ["type"] = stored.EventType,
        ["id"] = stored.Id.ToString("D"),
        ["timestamp"] = stored.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["data"] = JsonNode.Parse(stored.Data ?? "null"),
    });

    private static StoredEvent Event(string? data, string stream = "contributions/0xabc", string type = "contribution_scored", long sequence = 42, long version = 3) =>
        new(sequence, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), stream, version, type, At, data);

    public static TheoryData<string?> Data => new()
    {
        null,
        "null",
        "{}",
        "[]",
        "\"just a string\"",
        "17",
        """{"score": 87, "contributor": "0x00000000000000000000000000000000000000ff", "kind": "data"}""",
        // Members sorted by UTF-16 code units, not UTF-8 bytes: U+E000 sorts after the surrogate pair of U+1F600.
        """{"\ue000": 1, "😀": 2, "a": 3, "A": 4, "": 5, "aa": 6, "é": 7}""",
        """{"z": {"y": {"x": [3, 2, {"b": null, "a": true}], "w": false}}, "nested": [[], {}, [[1]]]}""",
        // Escapes: quotes, backslash, every short escape, other control characters, DEL and U+2028 left raw, "/" unescaped.
        """{"s": "quote \" backslash \\ slash \/ \b\f\n\r\t \u0001 \u001f \u007f \u2028 end"}""",
        // Unicode raw and escaped: CJK, combining marks, astral characters as pairs, escaped and not.
        """{"text": "日本語 é e\u0301 \ud83d\ude00 😀 \u00e9"}""",
        // Numbers: ECMAScript forms, exponents, the ±2^53 edge, negative zero, the smallest subnormal.
        """{"n": [0, -0, 0.0, 1.0, 0.1, 1e21, 1E30, 1e-7, 0.000001, 123456789012345, 9007199254740992, -9007199254740992, 5e-324, 1.7976931348623157e308, 2.5e-3]}""",
        // Shaped like a stored jsonb text: spaces after separators.
        """{"contributionId": "0x01", "scoredAt": "2026-01-01T00:00:00.001+00:00", "score": 20.5}""",
    };

    [Theory]
    [MemberData(nameof(Data))]
    public void The_one_pass_envelope_has_the_bytes_of_the_canonicalized_tree(string? data)
    {
        var stored = Event(data);
        Assert.Equal(Encoding.UTF8.GetString(TreeCanonicalized(7, stored)), Encoding.UTF8.GetString(LogEntryEnvelope.Build(7, stored)));
        Assert.Equal(TreeCanonicalized(7, stored), LogEntryEnvelope.Build(7, stored));
    }

    [Theory]
    [InlineData("contributions/0x\u00e9\u65e5", "type \"quoted\" \\ \u0007")]
    [InlineData("", "")]
    [InlineData("stream/😀/\ue000", "contribution_scored\n")]
    public void Stream_and_type_are_escaped_as_the_canonicalized_tree_escapes_them(string stream, string type)
    {
        var stored = Event("{}", stream, type);
        Assert.Equal(Encoding.UTF8.GetString(TreeCanonicalized(0, stored)), Encoding.UTF8.GetString(LogEntryEnvelope.Build(0, stored)));
    }

    [Theory]
    [InlineData(0L, 0L, 0L)]
    [InlineData(9007199254740992L, 9007199254740992L, -9007199254740992L)]
    [InlineData(long.MaxValue / 3, 1L, 1L)]
    [InlineData(1L, -9007199254740993L, 1L)]
    [InlineData(1L, 1L, long.MinValue)]
    public void Integers_are_written_or_refused_as_the_canonicalized_tree_writes_or_refuses_them(long index, long sequence, long version)
    {
        var stored = Event("{}", sequence: sequence, version: version);
        byte[]? expected = null;
        try
        {
            expected = TreeCanonicalized(index, stored);
        }
        catch (JsonCanonicalizationException)
        {
        }

        if (expected is null)
            Assert.Throws<JsonCanonicalizationException>(() => LogEntryEnvelope.Build(index, stored));
        else
            Assert.Equal(expected, LogEntryEnvelope.Build(index, stored));
    }

    [Theory]
    [InlineData("""{"big": 9007199254740993}""")]
    [InlineData("""{"big": 1.5e17}""")]
    [InlineData("""{"twice": 1, "twice": 2}""")]
    [InlineData("""{"lone": "\ud800"}""")]
    [InlineData("{")]
    public void Data_the_canonical_form_refuses_is_refused_with_no_entry(string data)
    {
        var stored = Event(data);
        Assert.ThrowsAny<Exception>(() => TreeCanonicalized(0, stored));
        Assert.ThrowsAny<Exception>(() => LogEntryEnvelope.Build(0, stored));
    }

    [Theory]
    [InlineData("bad\ud800key", "type")]
    [InlineData("stream", "\udc00 trailing low and high \ud83d")]
    public void Lone_surrogates_in_stream_or_type_become_the_replacement_character_as_before(string stream, string type)
    {
        // Text read from PostgreSQL is always valid Unicode; the tree writer replaced lone surrogates, so this does too.
        var stored = Event("{}", stream, type);
        Assert.Contains("\uFFFD", Encoding.UTF8.GetString(TreeCanonicalized(0, stored)), StringComparison.Ordinal);
        Assert.Equal(TreeCanonicalized(0, stored), LogEntryEnvelope.Build(0, stored));
    }

    [Fact]
    public void Data_text_with_a_lone_surrogate_is_refused_as_before()
    {
        var stored = Event("{\"raw\": \"a\ud800b\"}");
        Assert.Throws<ArgumentException>(() => TreeCanonicalized(0, stored));
        Assert.ThrowsAny<ArgumentException>(() => LogEntryEnvelope.Build(0, stored));
    }

    [Theory]
    [InlineData(62)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    public void Deeply_nested_data_is_written_or_refused_as_before(int depth)
    {
        var stored = Event(new string('[', depth) + new string(']', depth));
        byte[]? expected = null;
        try
        {
            expected = TreeCanonicalized(0, stored);
        }
        catch (Exception e) when (e is JsonCanonicalizationException or System.Text.Json.JsonException)
        {
        }

        if (expected is null)
            Assert.ThrowsAny<Exception>(() => LogEntryEnvelope.Build(0, stored));
        else
            Assert.Equal(expected, LogEntryEnvelope.Build(0, stored));
    }

    [Fact]
    public void Many_generated_events_have_the_bytes_of_the_canonicalized_tree()
    {
        var random = new Random(8785);
        for (var i = 0; i < 2_000; i++)
        {
            var stored = new StoredEvent(random.NextInt64(1, 1L << 53), Guid.NewGuid(), RandomString(random), random.Next(0, 1000), RandomString(random),
                At.AddTicks(random.NextInt64(-1_000_000_000_000, 1_000_000_000_000)).ToOffset(TimeSpan.FromMinutes(random.Next(-12, 13) * 30)),
                random.Next(20) == 0 ? null : RandomValue(random, 0)?.ToJsonString() ?? "null");
            var index = random.NextInt64(0, 1L << 40);
            Assert.Equal(Encoding.UTF8.GetString(TreeCanonicalized(index, stored)), Encoding.UTF8.GetString(LogEntryEnvelope.Build(index, stored)));
        }
    }

    [Fact]
    public void A_scored_contribution_has_its_published_bytes()
    {
        // Fixed bytes, so that the writer and the oracle cannot drift together.
        var stored = Event("""{"score": 87, "kind": "data", "contributionId": "0x01"}""");
        Assert.Equal(
            """{"data":{"contributionId":"0x01","kind":"data","score":87},"id":"0f8fad5b-d9cb-469f-a165-70867728950e","index":7,"sequence":42,"stream":"contributions/0xabc","timestamp":"2026-03-14T13:09:26.535897Z","type":"contribution_scored","version":3}""",
            Encoding.UTF8.GetString(LogEntryEnvelope.Build(7, stored)));
    }

    private static readonly string[] Pieces = ["a", "Z", "0", "é", "日", "😀", "\ue000", "\"", "\\", "/", "\n", "\t", "\u0001", "\u007f", "\u2028", " ", "e\u0301"];

    private static string RandomString(Random random)
    {
        var text = new StringBuilder();
        for (var n = random.Next(0, 8); n > 0; n--)
            text.Append(Pieces[random.Next(Pieces.Length)]);
        return text.ToString();
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        switch (random.Next(depth > 3 ? 5 : 7))
        {
            case 0: return null;
            case 1: return random.Next(2) == 0;
            case 2: return random.NextInt64(-(1L << 53), 1L << 53);
            case 3: return random.NextDouble() * Math.Pow(10, random.Next(2) == 0 ? random.Next(-30, 15) : random.Next(22, 300)) * (random.Next(2) == 0 ? -1 : 1);
            case 4: return RandomString(random);
            case 5:
                var array = new JsonArray();
                for (var n = random.Next(0, 4); n > 0; n--)
                    array.Add(RandomValue(random, depth + 1));
                return array;
            default:
                var obj = new JsonObject();
                for (var n = random.Next(0, 5); n > 0; n--)
                    obj[RandomString(random) + n.ToString(CultureInfo.InvariantCulture)] = RandomValue(random, depth + 1);
                return obj;
        }
    }
}
