using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Follows the recorded removals (<see cref="ValidatorRemoved"/> in <c>scoring/admissions</c>), on one replica at a time, and
/// hands each removed validator's open assignments on (<see cref="Reassigner.HandOnAsync"/>). Both kinds of removal come
/// here, a passed proposal's and the reputation floor's (recorded inside a case's close, which cannot take other cases'
/// locks), and a replica that stopped before handing on does it when the next one reads the removal again: the hand-on is
/// idempotent, and the checkpoint moves only after it.
/// </summary>
public sealed class RemovalFollower(NpgsqlDataSource dataSource, IDocumentStore store, Reassigner reassigner)
    : HistoryFollower(dataSource, AdmissionBook.Stream)
{
    private static readonly string RemovedType = OutboxRoutes.EventTypeName(typeof(ValidatorRemoved));

    /// <summary>This follower's <see cref="FollowerCheckpoint"/>: every removal at or below it is handed on.</summary>
    public const string CheckpointKey = "removals";

    public override LeaderLoopSettings Settings { get; } = new("scoring-removals");

    protected override Task<long> LoadCheckpointAsync(CancellationToken ct) => FollowerCheckpoint.LoadAsync(store, CheckpointKey, null, ct);

    protected override bool Wants(StoredEvent e) => Is(e, RemovedType) && e.StreamKey == AdmissionBook.Stream;

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        foreach (var (traceParent, removed) in Removals(events))
        {
            // In the removal's trace, so the reassignments it appends are sent in it.
            using var work = HistoryTraceContext.StartContinuing(traceParent, "hand on a removed reviewer's cases");
            await reassigner.HandOnAsync(removed.Validator, ct);
        }
        await FollowerCheckpoint.SaveAsync(store, CheckpointKey, checkpoint, ct);
        return true;
    }

    /// <summary>The batch's removals, read from the admissions stream only.</summary>
    private IEnumerable<(string? TraceParent, ValidatorRemoved Removed)> Removals(IReadOnlyList<StoredEvent> events) =>
        events.Where(Wants)
            .Select(e => (e.TraceParent, JsonSerializer.Deserialize<ValidatorRemoved>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data")));
}
