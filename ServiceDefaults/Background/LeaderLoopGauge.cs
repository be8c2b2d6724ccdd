using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CommunityAI.ServiceDefaults.Telemetry;

namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// Reports, per loop, whether this instance leads it (<see cref="CommunityMetrics.LeaderLeadingName"/>): summed over
/// replicas every loop should read exactly 1; 0 means nobody does the work, for example an anchoring that stopped. And
/// how long the leader's current step has run (<see cref="CommunityMetrics.LeaderStepAgeName"/>): a loop that leads but
/// whose step never ends does no work either.
/// </summary>
internal static class LeaderLoopGauge
{
    private static readonly ConcurrentDictionary<LeaderLoopStatus, (string Loop, TimeProvider Clock)> Loops = new();

    static LeaderLoopGauge()
    {
        CommunityMetrics.ObserveLeading(() => Loops.Select(loop => new Measurement<int>(
            loop.Key.Current.State == LeaderLoopState.Leading ? 1 : 0, Tag(loop.Value.Loop))));
        CommunityMetrics.ObserveLeaderStepAge(() => Loops.Select(loop => new Measurement<double>(
            StepAge(loop.Key.Current, loop.Value.Clock).TotalSeconds, Tag(loop.Value.Loop))));
    }

    /// <summary>How long the current step has run; zero while resting between steps or not leading.</summary>
    public static TimeSpan StepAge(LeaderLoopSnapshot now, TimeProvider clock) =>
        now is { State: LeaderLoopState.Leading, Resting: false } ? clock.GetUtcNow() - now.LastStep : TimeSpan.Zero;

    public static void Track(string loop, LeaderLoopStatus status, TimeProvider clock) => Loops[status] = (loop, clock);

    public static void Forget(LeaderLoopStatus status) => Loops.TryRemove(status, out _);

    private static KeyValuePair<string, object?> Tag(string loop) => new("loop", loop);
}
