using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Credits every contributed model's measured gain, by following the community model's evaluation streams
/// (<c>model/contributions/</c>) in the history through the gap-safe <see cref="HistoryFeed"/>, on one replica at a time.
/// Only the stored <see cref="ModelContributionEvaluated"/> counts (a bus notice reaches nothing here). The checkpoint
/// moves only after a batch's credits committed, and <see cref="GainCrediter"/> refuses a second credit of one
/// contribution, so a crash, a second leader or a restart re-reads a batch and credits nothing twice.
/// </summary>
public sealed class GainFollower(NpgsqlDataSource dataSource, IDocumentStore store, GainCrediter crediter)
    : HistoryFollower(dataSource, EvaluationStreamPrefix)
{
    /// <summary>The community model's streams of contributed models' evaluations: the only ones whose evaluations pay.</summary>
    public const string EvaluationStreamPrefix = "model/contributions/";

    private static readonly string EvaluatedType = OutboxRoutes.EventTypeName(typeof(ModelContributionEvaluated));

    /// <summary>This follower's <see cref="FollowerCheckpoint"/>: every evaluation at or below it is credited.</summary>
    public const string CheckpointKey = "gains";

    public override LeaderLoopSettings Settings { get; } = new("reward-ledger:gains");

    protected override Task<long> LoadCheckpointAsync(CancellationToken ct) =>
        FollowerCheckpoint.LoadAsync(store, CheckpointKey, "mt_doc_gainfeedcheckpoint", ct);

    protected override bool Wants(StoredEvent e) => Is(e, EvaluatedType, under: EvaluationStreamPrefix);

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        foreach (var e in events.Where(Wants))
        {
            // In the evaluation's trace, so the credit's send continues it.
            using var work = HistoryTraceContext.StartContinuing(e.TraceParent, "credit a model's gain");
            // An evaluation that does not read as one is a damaged history: failing the term is louder than skipping it.
            var evaluated = JsonSerializer.Deserialize<ModelContributionEvaluated>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data");
            await crediter.CreditAsync(evaluated, e.StreamKey, ct);
        }
        await FollowerCheckpoint.SaveAsync(store, CheckpointKey, checkpoint, ct);
        return true;
    }
}
