using System.Globalization;
using System.Text.Json.Nodes;
using CommunityAI.Formats.Json;
using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// Turns a stored event into its log entry: the RFC 8785 canonical JSON of an envelope that an auditor can
/// rebuild from the history table alone (index, stream, type, timestamp, event id, stream version, data).
/// </summary>
public static class LogEntryEnvelope
{
    public static byte[] Build(long index, StoredEvent stored)
    {
        var envelope = new JsonObject
        {
            ["index"] = index,
            ["sequence"] = stored.Sequence,
            ["stream"] = stored.StreamKey,
            ["version"] = stored.Version,
            ["type"] = stored.EventType,
            ["id"] = stored.Id.ToString("D"),
            // Microseconds are what PostgreSQL keeps; UTC so every reader formats it the same way.
            ["timestamp"] = stored.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["data"] = JsonNode.Parse(stored.Data ?? "null"),
        };
        return JsonCanonicalizer.Canonicalize(envelope);
    }
}
