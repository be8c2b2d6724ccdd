using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Credits the measured value of each training round's new data and feedback, by following the community model's round
/// streams (<c>model/{snapshotRoot}…</c>) in the history through the gap-safe <see cref="HistoryFeed"/>, on one replica at a
/// time. Only the stored <see cref="DataValued"/> counts. The checkpoint moves only after a batch's credits committed, and
/// <see cref="DataValueCrediter"/> refuses a second credit of one contribution, so a crash, a second leader or a restart
/// re-reads a batch and credits nothing twice.
/// </summary>
public sealed class DataValueFollower(NpgsqlDataSource dataSource, IDocumentStore store, DataValueCrediter crediter)
    : HistoryFollower(dataSource, RoundStreamPrefix)
{
    /// <summary>The community model's streams; its rounds' valuations are recorded there, beside each ModelTrained.</summary>
    public const string RoundStreamPrefix = "model/";

    private static readonly string ValuedType = OutboxRoutes.EventTypeName(typeof(DataValued));

    /// <summary>This follower's <see cref="FollowerCheckpoint"/>: every valuation at or below it is credited.</summary>
    public const string CheckpointKey = "data-value";

    public override LeaderLoopSettings Settings { get; } = new("reward-ledger:data-value");

    protected override Task<long> LoadCheckpointAsync(CancellationToken ct) =>
        FollowerCheckpoint.LoadAsync(store, CheckpointKey, legacyTable: null, ct);

    protected override bool Wants(StoredEvent e) => Is(e, ValuedType, under: RoundStreamPrefix);

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        // A contributed model's evaluation stream (model/contributions/…) holds no valuation; the type decides.
        foreach (var e in events.Where(Wants))
        {
            // In the valuation's trace, so the credits' sends continue it.
            using var work = HistoryTraceContext.StartContinuing(e.TraceParent, "credit a dataset's value");
            // A valuation that does not read as one is a damaged history: failing the term is louder than skipping it.
            var valued = JsonSerializer.Deserialize<DataValued>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data");
            await crediter.CreditAsync(valued, ct);
        }
        await FollowerCheckpoint.SaveAsync(store, CheckpointKey, checkpoint, ct);
        return true;
    }
}
