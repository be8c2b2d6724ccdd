namespace CommunityAI.Audit.History;

/// <summary>One row of <c>history.mt_events</c>, as PostgreSQL holds it.</summary>
/// <param name="Sequence">The store's global sequence (seq_id); it may have gaps, log indexes do not.</param>
/// <param name="Data">The event body as PostgreSQL prints the jsonb (data::text).</param>
internal sealed record HistoryRow(
    long Sequence, Guid Id, string Stream, long Version, string Type, DateTimeOffset Timestamp, string? Data);
