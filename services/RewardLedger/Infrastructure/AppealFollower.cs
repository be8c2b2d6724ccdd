using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Settles every appeal quality-scoring decides, by following its streams in the history through the gap-safe
/// <see cref="HistoryFeed"/>, on one replica at a time. Only the stored <see cref="AppealDecided"/> counts. The checkpoint
/// moves only after a batch's settlements committed, and <see cref="AppealSettler"/> refuses a second settlement, so a
/// crash, a second leader or a restart re-reads a batch and settles nothing twice.
/// </summary>
/// <remarks>
/// A decision is settled only once <see cref="ScoreFollower"/> has credited every score stored before it, the appealed
/// score among them, so the settlement always finds the credit it corrects.
/// </remarks>
public sealed class AppealFollower(NpgsqlDataSource dataSource, IDocumentStore store, AppealSettler settler)
    : HistoryFollower(dataSource, ScoreFollower.ScoringStreamPrefix)
{
    private static readonly string DecidedType = OutboxRoutes.EventTypeName(typeof(AppealDecided));

    /// <summary>This follower's <see cref="FollowerCheckpoint"/>: every decision at or below it is settled.</summary>
    public const string CheckpointKey = "appeals";

    public override LeaderLoopSettings Settings { get; } = new("reward-ledger:appeals");

    protected override Task<long> LoadCheckpointAsync(CancellationToken ct) =>
        FollowerCheckpoint.LoadAsync(store, CheckpointKey, "mt_doc_appealfeedcheckpoint", ct);

    protected override bool Wants(StoredEvent e) => Is(e, DecidedType, under: ScoreFollower.ScoringStreamPrefix);

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        var decisions = events.Where(Wants).ToList();
        // Read the same batch again once the credits caught up.
        if (decisions.Count > 0 && decisions[^1].Sequence > await ScoreFollower.CreditedUpToAsync(store, ct))
            return false;
        foreach (var e in decisions)
        {
            // In the decision's trace, so the settlement's sends continue it.
            using var work = HistoryTraceContext.StartContinuing(e.TraceParent, "settle an appeal");
            // A decision that does not read as one is a damaged history: failing the term is louder than skipping it.
            var decided = JsonSerializer.Deserialize<AppealDecided>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data");
            await settler.SettleAsync(decided, e.StreamKey, ct);
        }
        await FollowerCheckpoint.SaveAsync(store, CheckpointKey, checkpoint, ct);
        return true;
    }
}
