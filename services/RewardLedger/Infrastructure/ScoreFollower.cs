using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Credits every score quality-scoring records, by following its streams in the history through the gap-safe
/// <see cref="HistoryFeed"/>, on one replica at a time. Each batch is credited in one transaction with the feed's
/// checkpoint (<see cref="CreditWriter"/>), so a crash anywhere either committed both or neither: a batch read again
/// credits nothing twice and skips nothing, and a second leader racing on the same batch finds it credited.
/// </summary>
/// <remarks>
/// Credits used to follow the bus's <see cref="ContributionScored"/> notices. A notice lost or parked while services
/// stopped left a score unpaid for good (seen once in the fault suite: 30 scored, 29 credited); the history cannot lose
/// one, and a forged notice now has nothing to reach.
/// </remarks>
public sealed class ScoreFollower(NpgsqlDataSource dataSource, IDocumentStore store, CreditWriter credits)
    : HistoryFollower(dataSource, ScoringStreamPrefix)
{
    /// <summary>Quality-scoring's streams: the only ones whose <see cref="ContributionScored"/> events are scores.</summary>
    public const string ScoringStreamPrefix = "scoring/";

    /// <summary>This follower's <see cref="FollowerCheckpoint"/>: every score at or below it is credited.</summary>
    public const string CheckpointKey = "scores";

    protected override TimeSpan IdleDelay => TimeSpan.FromMilliseconds(50);

    // A score is credited within a quarter of a second of being recorded, even after a quiet spell: a read that finds
    // none is cheap, and scores come from another service, whose commits cannot wake this loop.
    protected override TimeSpan LongestIdleDelay => TimeSpan.FromMilliseconds(250);

    private static readonly string ScoredType = OutboxRoutes.EventTypeName(typeof(ContributionScored));

    protected override bool Wants(StoredEvent e) => Is(e, ScoredType, under: ScoringStreamPrefix);

    // Appeals and invalidations wait for credits by this checkpoint (CreditedUpToAsync), so past events without a score
    // it is still stored about once a second: stored after every read, it was a commit of its own up to 20 times a
    // second under load (every read found some event, most of them not scores).
    protected override TimeSpan? StoreAtLeastEvery => TimeSpan.FromSeconds(1);

    public override LeaderLoopSettings Settings { get; } = new("reward-ledger:scores");

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        var (scores, traces) = ScoresIn(events);
        await credits.CreditAsync(scores, checkpoint, traces, ct);
        return true;
    }

    /// <summary>
    /// The batch's scores in history order, read from quality-scoring's streams only, and each one's trace context by its
    /// contribution id, for its credit to carry on (<see cref="HistoryTraceContext.Carry"/>): keyed by the score's own id,
    /// in any case, as the credit looks it up.
    /// </summary>
    public static (List<ContributionScored> Scores, Dictionary<string, string> Traces) ScoresIn(IReadOnlyList<StoredEvent> events)
    {
        var scores = new List<ContributionScored>();
        var traces = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in events.Where(e => Is(e, ScoredType, under: ScoringStreamPrefix)))
        {
            // A score that does not read as one is a damaged history: failing the term is louder than skipping it.
            var score = JsonSerializer.Deserialize<ContributionScored>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data");
            scores.Add(score);
            if (e.TraceParent is not null)
                traces.TryAdd(score.ContributionId, e.TraceParent);
        }
        return (scores, traces);
    }

    protected override Task<long> LoadCheckpointAsync(CancellationToken ct) => CreditedUpToAsync(store, ct);

    /// <summary>
    /// The sequence every score at or below is credited: this follower's checkpoint, read as the follower itself reads it
    /// (an upgraded deployment's checkpoint from before the shared document included), for followers that must not act on
    /// an event before the credits it concerns exist.
    /// </summary>
    public static Task<long> CreditedUpToAsync(IDocumentStore store, CancellationToken ct) =>
        FollowerCheckpoint.LoadAsync(store, CheckpointKey, "mt_doc_scorefeedcheckpoint", ct);
}
