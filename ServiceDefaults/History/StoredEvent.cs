namespace CommunityAI.ServiceDefaults.History;

/// <summary>One committed row of the history, as the store holds it.</summary>
/// <param name="Sequence">The store's global sequence (may have gaps).</param>
/// <param name="Data">The event body as JSON text; null when the feed was asked for other streams only.</param>
/// <param name="TraceParent">
/// The trace context of the operation that appended it (<see cref="HistoryTraceContext"/>); read with the data only.
/// </param>
public sealed record StoredEvent(
    long Sequence,
    Guid Id,
    string StreamKey,
    long Version,
    string EventType,
    DateTimeOffset Timestamp,
    string? Data,
    string? TraceParent = null);
