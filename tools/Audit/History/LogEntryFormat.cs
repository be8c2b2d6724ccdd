using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CommunityAI.Formats.Json;

namespace CommunityAI.Audit.History;

/// <summary>
/// The public log entry format, rebuilt from the published description rather than from the chain-bridge's code:
/// the RFC 8785 canonical JSON of <c>{ index, sequence, stream, version, type, id, timestamp, data }</c>, with the
/// timestamp in UTC with six fractional digits (what PostgreSQL keeps) and the event id in "D" form.
/// </summary>
internal static class LogEntryFormat
{
    public static byte[] Build(long index, HistoryRow row)
    {
        var envelope = new JsonObject
        {
            ["index"] = index,
            ["sequence"] = row.Sequence,
            ["stream"] = row.Stream,
            ["version"] = row.Version,
            ["type"] = row.Type,
            ["id"] = row.Id.ToString("D"),
            ["timestamp"] = row.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["data"] = JsonNode.Parse(row.Data ?? "null"),
        };
        return JsonCanonicalizer.Canonicalize(envelope);
    }

    /// <summary>Reads the envelope fields of an entry; throws <see cref="FormatException"/> naming what is missing.</summary>
    public static LogEvent Parse(long index, ReadOnlySpan<byte> entry)
    {
        using var document = ParseDocument(index, entry);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException($"entry {index} is not a JSON object");
        return new LogEvent(
            index,
            Long(root, "index", index),
            Long(root, "sequence", index),
            Text(root, "stream", index),
            Text(root, "type", index),
            Text(root, "id", index),
            root.TryGetProperty("data", out var data) ? data.Clone() : throw Missing("data", index));
    }

    private static JsonDocument ParseDocument(long index, ReadOnlySpan<byte> entry)
    {
        try
        {
            var reader = new Utf8JsonReader(entry);
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"entry {index} is not valid JSON: {e.Message}", e);
        }
    }

    private static long Long(JsonElement root, string name, long index) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw Missing(name, index);

    private static string Text(JsonElement root, string name, long index) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Missing(name, index);

    private static FormatException Missing(string name, long index) => new($"entry {index} has no valid \"{name}\" field");
}
