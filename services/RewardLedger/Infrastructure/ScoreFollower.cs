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
/// <see cref="HistoryFeed"/>, on one replica at a time. The checkpoint moves only after a batch's credits committed, and
/// <see cref="CreditWriter"/> refuses a second credit, so a crash anywhere re-reads a batch and changes nothing twice.
/// </summary>
/// <remarks>
/// Credits used to follow the bus's <see cref="ContributionScored"/> notices. A notice lost or parked while services
/// stopped left a score unpaid for good (seen once in the fault suite: 30 scored, 29 credited); the history cannot lose
/// one, and a forged notice now has nothing to reach. A batch is credited contributor by contributor in history order,
/// different contributors in parallel, since a contributor's per-epoch earnings decide the next credit's amount.
/// </remarks>
public sealed class ScoreFollower(NpgsqlDataSource dataSource, IDocumentStore store, CreditWriter credits)
    : HistoryFollower(dataSource, ScoringStreamPrefix)
{
    /// <summary>Quality-scoring's streams: the only ones whose <see cref="ContributionScored"/> events are scores.</summary>
    public const string ScoringStreamPrefix = "scoring/";

    private const int Parallelism = 8;
    protected override TimeSpan IdleDelay => TimeSpan.FromMilliseconds(50);
    private static readonly string ScoredType = OutboxRoutes.EventTypeName(typeof(ContributionScored));

    public override LeaderLoopSettings Settings { get; } = new("reward-ledger:scores");

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        var scores = Scores(events);
        if (scores.Count > 0)
            await CreditAsync(scores, ct);
        await SaveCheckpointAsync(checkpoint, ct);
        return true;
    }

    /// <summary>The batch's scores, read from quality-scoring's streams only.</summary>
    private static List<ContributionScored> Scores(IReadOnlyList<StoredEvent> events) =>
        events.Where(e => e.Data is not null && e.EventType == ScoredType && e.StreamKey.StartsWith(ScoringStreamPrefix, StringComparison.Ordinal))
            // A score that does not read as one is a damaged history: failing the term is louder than skipping it.
            .Select(e => JsonSerializer.Deserialize<ContributionScored>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data"))
            .ToList();

    private Task CreditAsync(List<ContributionScored> scores, CancellationToken ct) =>
        Parallel.ForEachAsync(
            scores.GroupBy(s => s.Contributor.ToLowerInvariant()),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (contributor, token) =>
            {
                foreach (var scored in contributor)
                    await credits.CreditAsync(scored, token);
            });

    protected override async Task<long> LoadCheckpointAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return (await session.LoadAsync<ScoreFeedCheckpoint>(ScoreFeedCheckpoint.Key, ct))?.Sequence ?? 0;
    }

    private async Task SaveCheckpointAsync(long sequence, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(new ScoreFeedCheckpoint(ScoreFeedCheckpoint.Key, sequence));
        await session.SaveChangesAsync(ct);
    }
}
