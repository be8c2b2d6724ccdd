using CommunityAI.Audit.History;

namespace CommunityAI.Audit.Verification;

/// <summary>Everything <c>verify</c> found, in the shape <c>--json</c> prints.</summary>
internal sealed record VerifyReport(
    string Source,
    long TreeSize,
    string RootHash,
    int Anchors,
    bool Passed,
    Divergence? FirstDivergence,
    IReadOnlyList<Finding> Findings)
{
    /// <summary>How the chain was read, when it was.</summary>
    public ChainRead? Chain { get; init; }
}

/// <summary>
/// The blocks whose logs were read (from the deployment block to the latest at the start), the page size and the
/// number of <c>eth_getLogs</c> queries it took, and the distributor and token checked.
/// </summary>
internal sealed record ChainRead(ulong FromBlock, ulong ToBlock, ulong PageSize, int LogQueries, string? Distributor, string? Token);

/// <summary>
/// The first log index that differs and the event behind it: what the history holds there now, and what the
/// chain-bridge's log recorded there when it saw it (when the stored log is available).
/// </summary>
internal sealed record Divergence(long? Index, long? RangeStart, long? RangeEnd, EventView? HistoryEvent, EventView? RecordedEvent)
{
    public string Describe() =>
        (Index is { } i ? $"first divergent log index {i}" : $"first divergent log index in [{RangeStart}, {RangeEnd})")
        + (HistoryEvent is { } h ? $"; history there: {h}" : "")
        + (RecordedEvent is { } r ? $"; recorded in the log: {r}" : "");
}

internal sealed record EventView(long Index, long Sequence, string Stream, string Type, string Id)
{
    public static EventView? From(LogEvent? e) => e is null ? null : new(e.Index, e.Sequence, e.Stream, e.Type, e.Id);

    public override string ToString() => $"stream {Stream}, type {Type}, seq {Sequence}";
}
