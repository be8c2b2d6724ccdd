namespace CommunityAI.Contracts;

/// <summary>
/// The chain-bridge gave history events their log indexes. Published from the log's own tables after each
/// committed batch (at least once), so services can show where their events sit in the verifiable log.
/// </summary>
/// <param name="FirstIndex">Log index of the first entry in <paramref name="Entries"/>.</param>
/// <param name="Entries">The appended entries, in log order.</param>
public sealed record LogEntriesAppended(long FirstIndex, IReadOnlyList<LoggedEntry> Entries);

/// <summary>One history event and the dense log index it received.</summary>
/// <param name="Index">Log index (0, 1, 2, … with no gaps).</param>
/// <param name="Sequence">The store's global sequence of the event (may have gaps).</param>
/// <param name="Stream">Stream key of the event, e.g. contributions/0x….</param>
/// <param name="EventType">Stored event type, e.g. contribution_submitted.</param>
public sealed record LoggedEntry(long Index, long Sequence, string Stream, string EventType);
