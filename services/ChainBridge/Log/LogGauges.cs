using CommunityAI.ServiceDefaults.Telemetry;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// The log's size and anchoring's lag as the leading log writer and anchor scheduler last saw them, reported as
/// gauges (<see cref="CommunityMetrics.LogSizeName"/>, <see cref="CommunityMetrics.AnchorLagName"/>,
/// <see cref="CommunityMetrics.AnchorAgeName"/>): the runbook's "anchor lag" without a query per scrape.
/// </summary>
public sealed class LogGauges
{
    private long _size = -1;
    private long _anchoredSize = -1;
    private long _anchoredAtTicks = -1;

    public LogGauges(TimeProvider clock) => CommunityMetrics.ObserveLog(
        () => Read(ref _size),
        () => Read(ref _size) is { } size && Read(ref _anchoredSize) is { } anchored ? Math.Max(0, size - anchored) : null,
        () => Read(ref _anchoredAtTicks) is { } ticks ? (clock.GetUtcNow() - new DateTimeOffset(ticks, TimeSpan.Zero)).TotalSeconds : null);

    public void LogGrew(long treeSize) => Interlocked.Exchange(ref _size, treeSize);

    public void Anchored(long treeSize, DateTimeOffset at)
    {
        Interlocked.Exchange(ref _anchoredSize, treeSize);
        Interlocked.Exchange(ref _anchoredAtTicks, at.UtcTicks);
    }

    private static long? Read(ref long value) => Interlocked.Read(ref value) is var v && v >= 0 ? v : null;
}
