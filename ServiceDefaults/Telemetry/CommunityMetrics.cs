using System.Diagnostics.Metrics;

namespace CommunityAI.ServiceDefaults.Telemetry;

/// <summary>
/// Every instrument our own code reports, in the <see cref="Microsoft.Extensions.Hosting.CommunityTelemetry"/> meter,
/// declared in one place so the operators' dashboard and alerts (deploy/observability) name only what exists; a test
/// holds them to it. Prometheus sees each name with dots as underscores, the unit appended and counters ending in
/// <c>_total</c> (for example <c>communityai_requests_refused_total</c>).
/// </summary>
public static class CommunityMetrics
{
    public const string RequestsRefusedName = "communityai.requests.refused";
    public const string OutboxPublishedName = "communityai.outbox.published";
    public const string OutboxDelayName = "communityai.outbox.delay";
    public const string LeaderFailuresName = "communityai.leader.failures";
    public const string LeaderLeadingName = "communityai.leader.leading";
    public const string LeaderStepAgeName = "communityai.leader.step_age";
    public const string ContributionStageLatencyName = "communityai.contribution.stage_latency";
    public const string ContributionsScoredName = "communityai.contributions.scored";
    public const string ContributionsAcceptedName = "communityai.contributions.accepted";
    public const string ContributionsCreditedName = "communityai.contributions.credited";
    public const string LogSizeName = "communityai.log.size";
    public const string AnchorLagName = "communityai.anchor.lag";
    public const string AnchorAgeName = "communityai.anchor.age";
    public const string ContentRewrappedName = "communityai.content.rewrapped";
    public const string ContentRewrapSkippedName = "communityai.content.rewrap_skipped";
    public const string ContentRewrapPendingName = "communityai.content.rewrap_pending";
    public const string ScoringDeadlineLagName = "communityai.scoring.deadline_lag";
    public const string ContentUnreadableName = "communityai.content.unreadable";

    /// <summary>Every name above, for the test that ties the dashboard and the alerts to the code.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        RequestsRefusedName, OutboxPublishedName, OutboxDelayName, LeaderFailuresName, LeaderLeadingName, LeaderStepAgeName,
        ContributionStageLatencyName, ContributionsScoredName, ContributionsAcceptedName, ContributionsCreditedName, LogSizeName,
        AnchorLagName, AnchorAgeName, ContentRewrappedName, ContentRewrapSkippedName, ContentRewrapPendingName,
        ScoringDeadlineLagName, ContentUnreadableName, History.HistoryFacts.RefusedCounterName,
    ];

    private static readonly Meter Meter = Microsoft.Extensions.Hosting.CommunityTelemetry.Meter;

    /// <summary>Requests answered with a problem (4xx), by status and the problem's title: why people are turned away.</summary>
    public static readonly Counter<long> RequestsRefused = Meter.CreateCounter<long>(
        RequestsRefusedName, unit: "{request}", description: "Requests refused with a problem, by status and reason");

    /// <summary>History events the outbox published to the bus, by outbox and event type.</summary>
    public static readonly Counter<long> OutboxPublished = Meter.CreateCounter<long>(
        OutboxPublishedName, unit: "{event}", description: "History events published to the bus, by outbox and type");

    /// <summary>From an event's commit to its publication on the bus: the outbox's share of end-to-end latency.</summary>
    public static readonly Histogram<double> OutboxDelay = Meter.CreateHistogram<double>(
        OutboxDelayName, unit: "ms", description: "Time from an event's commit to its publication, by outbox",
        advice: Buckets(1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 1_800_000));

    /// <summary>Background loops that paused after a failure (database, broker or chain away), by loop.</summary>
    public static readonly Counter<long> LeaderFailures = Meter.CreateCounter<long>(
        LeaderFailuresName, unit: "{failure}", description: "Leader-loop attempts that failed, by loop");

    /// <summary>
    /// From a contribution's acceptance to each later stage of its life (scored, rewarded, anchored), as the
    /// contributions view sees the history: the latency a contributor feels. Only live events count, not a rebuild.
    /// </summary>
    public static readonly Histogram<double> ContributionStageLatency = Meter.CreateHistogram<double>(
        ContributionStageLatencyName, unit: "ms", description: "Time from a contribution's acceptance to each stage, by stage",
        advice: Buckets(100, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000,
            7_200_000, 21_600_000, 86_400_000, 172_800_000));

    /// <summary>
    /// How late the review-window closer acted on a scoring case after its deadline (the commit deadline, or the reveal
    /// deadline), by which one: a few seconds when it keeps up (it looks every <c>Scoring:CloserInterval</c>), growing
    /// when due cases wait for it. A contributor's score waits for it, and nothing else shows a closer falling behind.
    /// </summary>
    public static readonly Histogram<double> ScoringDeadlineLag = Meter.CreateHistogram<double>(
        ScoringDeadlineLagName, unit: "ms", description: "Time from a scoring case's deadline to the closer acting on it, by deadline",
        advice: Buckets(100, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000,
            7_200_000, 86_400_000));

    /// <summary>Scores decided, by path: reviewed (validators' consensus), fallback (no validators or no quorum) or duplicate.</summary>
    public static readonly Counter<long> ContributionsScored = Meter.CreateCounter<long>(
        ContributionsScoredName, unit: "{contribution}", description: "Scores decided, by path");

    /// <summary>Contributions newly stored, by the way they came in (HTTP or the bus, one at a time or in a batch).</summary>
    public static readonly Counter<long> ContributionsAccepted = Meter.CreateCounter<long>(
        ContributionsAcceptedName, unit: "{contribution}", description: "Contributions newly stored, by intake path");

    /// <summary>Contributions whose reward the ledger credited (committed), by kind.</summary>
    public static readonly Counter<long> ContributionsCredited = Meter.CreateCounter<long>(
        ContributionsCreditedName, unit: "{contribution}", description: "Contributions credited by the reward ledger, by kind");

    /// <summary>Data keys a master-key rotation moved to the active master key, by table: the rotation's progress.</summary>
    public static readonly Counter<long> ContentRewrapped = Meter.CreateCounter<long>(
        ContentRewrappedName, unit: "{key}", description: "Data keys rewrapped to the active master key, by table");

    /// <summary>
    /// Rows a master-key rotation left behind because their data key does not unwrap, by table and the retired master
    /// key they hold up; each such row counts once per leader term (a new term tries it again). Any at all means the old
    /// key must not be retired yet: <c>/health</c> names the rows.
    /// </summary>
    public static readonly Counter<long> ContentRewrapSkipped = Meter.CreateCounter<long>(
        ContentRewrapSkippedName, unit: "{key}", description: "Data keys a rotation skipped because they do not unwrap, by table and master key");

    /// <summary>
    /// Stored contents that did not open when read to be handed to quality-scoring (their sealed bytes or data key
    /// altered in the database, or a row moved): each is passed over, so its contribution goes unscored by its text, and
    /// counted each time it is passed over (once, unless a restart reads its batch again). Any at all means the store
    /// was written by someone other than the service.
    /// </summary>
    public static readonly Counter<long> ContentUnreadable = Meter.CreateCounter<long>(
        ContentUnreadableName, unit: "{content}", description: "Stored contents that did not open when handed to quality-scoring");

    /// <summary>
    /// Observes the rows (contents' and open uploads') whose data key is still wrapped under a master key other than the
    /// active one, by table and that master key: what a rotation has left to do, or cannot do. Reported by the rewrap's
    /// leader only; 0 for a retired key still configured means it can go. Unlike <see cref="ContentRewrapSkipped"/> it
    /// stays above 0 for as long as a row is stuck, so an alert on it holds until the row is dealt with.
    /// </summary>
    public static void ObserveRewrapPending(Func<IEnumerable<Measurement<long>>> observe) =>
        Meter.CreateObservableGauge(ContentRewrapPendingName, observe, unit: "{key}",
            description: "Data keys still wrapped under a master key other than the active one, by table and master key");

    /// <summary>Observes whether each leader loop of this process leads (1) or not (0), by loop.</summary>
    public static void ObserveLeading(Func<IEnumerable<Measurement<int>>> observe) =>
        Meter.CreateObservableGauge(LeaderLeadingName, observe, unit: "{loop}", description: "1 while this instance leads the loop");

    /// <summary>
    /// Observes, per loop this instance leads, how long its current step has run in seconds (0 while it rests between
    /// steps or does not lead): a step that keeps growing waits on something that never answers.
    /// </summary>
    public static void ObserveLeaderStepAge(Func<IEnumerable<Measurement<double>>> observe) =>
        Meter.CreateObservableGauge(LeaderStepAgeName, observe, unit: "s", description: "Seconds the loop's current step has run");

    /// <summary>
    /// Observes the log's size and what anchoring has not covered yet, in entries and in seconds; each reads null
    /// where this instance does not know (it does not lead the log writer or the anchoring), and is then not reported.
    /// </summary>
    public static void ObserveLog(Func<long?> size, Func<long?> unanchored, Func<double?> anchorAgeSeconds)
    {
        Meter.CreateObservableGauge(LogSizeName, () => Known(size()), unit: "{entry}", description: "Entries in the verifiable log");
        Meter.CreateObservableGauge(AnchorLagName, () => Known(unanchored()), unit: "{entry}", description: "Log entries not covered by an anchor yet");
        Meter.CreateObservableGauge(AnchorAgeName, () => Known(anchorAgeSeconds()), unit: "s", description: "Seconds since the newest anchor was sent");
    }

    // Bucket bounds for each latency histogram: the SDK's default ones end at 10 s, so a quantile above that reads as 10 s
    // and an alert with a larger threshold can never fire. Every alert's threshold is one of its histogram's bounds (a test
    // holds them to it), so the quantile it compares is not interpolated across a wide bucket.
    private static InstrumentAdvice<double> Buckets(params double[] bounds) => new() { HistogramBucketBoundaries = bounds };

    private static IEnumerable<Measurement<T>> Known<T>(T? value) where T : struct =>
        value is { } known ? [new Measurement<T>(known)] : [];
}
