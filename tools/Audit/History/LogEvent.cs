using System.Text.Json;

namespace CommunityAI.Audit.History;

/// <summary>A log entry's envelope fields: what an auditor needs to name an event and to replay it.</summary>
/// <param name="Index">Position in the log (line number of an export).</param>
/// <param name="ClaimedIndex">The index the entry itself states.</param>
internal sealed record LogEvent(long Index, long ClaimedIndex, long Sequence, string Stream, string Type, string Id, JsonElement Data)
{
    /// <summary>"stream, type, seq" for messages.</summary>
    public string Describe() => $"stream {Stream}, type {Type}, seq {Sequence}";
}
