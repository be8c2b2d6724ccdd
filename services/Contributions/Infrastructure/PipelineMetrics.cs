using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Telemetry;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// What the contribution views see of the whole pipeline, reported as metrics: how long after acceptance each
/// contribution was scored, rewarded and anchored, and by which path it was scored. The projector follows every
/// service's history, so one place measures what a contributor feels without touching the other services.
/// </summary>
internal static class PipelineMetrics
{
    // A rebuild replays the whole history: old events are not today's latency.
    private static readonly TimeSpan Live = TimeSpan.FromMinutes(10);

    /// <param name="before">Each loaded view's status before the batch.</param>
    /// <param name="changed">The views the batch changed, as stored.</param>
    /// <param name="batchAt">The commit time of the batch's newest event: the moment these stages were reached, to within a batch.</param>
    public static void Observe(
        IReadOnlyDictionary<string, string> before, IEnumerable<ContributionView> changed, IEnumerable<object> facts,
        DateTimeOffset batchAt, DateTimeOffset now)
    {
        if (now - batchAt > Live)
            return;
        foreach (var view in changed)
        {
            if (before.TryGetValue(view.Id, out var was) && string.Equals(was, view.Status, StringComparison.Ordinal))
                continue;
            if (view.Status == ContributionStatus.Submitted)
                continue;
            CommunityMetrics.ContributionStageLatency.Record((batchAt - view.SubmittedAt).TotalMilliseconds,
                new KeyValuePair<string, object?>("stage", view.Status));
        }
        foreach (var scored in facts.OfType<ContributionScored>())
            CommunityMetrics.ContributionsScored.Add(1, new KeyValuePair<string, object?>("path", PathOf(scored)));
    }

    private static string PathOf(ContributionScored scored) =>
        scored.Components?.Flags?.Any(f => f.EndsWith("duplicate", StringComparison.Ordinal)) == true ? "duplicate"
        : scored.Fallback is { } fallback ? "fallback:" + fallback
        : "reviewed";
}
