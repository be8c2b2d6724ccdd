using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CommunityAI.ServiceDefaults.Telemetry;

namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// Reports, per loop, whether this instance leads it (<see cref="CommunityMetrics.LeaderLeadingName"/>): summed over
/// replicas every loop should read exactly 1; 0 means nobody does the work, for example an anchoring that stopped.
/// </summary>
internal static class LeaderLoopGauge
{
    private static readonly ConcurrentDictionary<LeaderLoopStatus, string> Loops = new();

    static LeaderLoopGauge() => CommunityMetrics.ObserveLeading(() => Loops.Select(loop => new Measurement<int>(
        loop.Key.Current.State == LeaderLoopState.Leading ? 1 : 0, new KeyValuePair<string, object?>("loop", loop.Value))));

    public static void Track(string loop, LeaderLoopStatus status) => Loops[status] = loop;

    public static void Forget(LeaderLoopStatus status) => Loops.TryRemove(status, out _);
}
