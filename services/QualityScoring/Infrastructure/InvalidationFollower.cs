using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Follows governance's streams in the history through the gap-safe <see cref="HistoryFeed"/>, on one replica at a time,
/// and records every contribution an activated <c>contribution-invalidation</c> proposal invalidates as an
/// <see cref="InvalidatedContribution"/>, which <see cref="AppealDesk"/> refuses appeals of. Only the stored event counts:
/// a bus message reaches nothing here.
/// </summary>
/// <remarks>
/// Each record is stored under its case's lock, the lock the appeal desk holds while it files, so an appeal and an
/// invalidation of one contribution are ordered: the appeal either sees the record and is refused, or committed before it.
/// An appeal filed in between the activation and this record (the follower polls a fraction of a second behind the history's
/// head, longer while it catches up) is filed and decided; the ledger then settles it as reversed
/// (<c>AppealSettlement</c>: no contributor delta for an invalidated contribution; its validators are paid as the appeal
/// rules say), so the race costs a second round's work, never a credit.
/// </remarks>
public sealed class InvalidationFollower(NpgsqlDataSource dataSource, IDocumentStore store)
    : HistoryFollower(dataSource, ScoringPolicyBook.GovernanceStreamPrefix)
{
    private static readonly string ActivatedType = OutboxRoutes.EventTypeName(typeof(PolicyActivated));

    /// <summary>This follower's <see cref="FollowerCheckpoint"/>: every activation at or below it is recorded.</summary>
    public const string CheckpointKey = "invalidations";

    public override LeaderLoopSettings Settings { get; } = new("scoring-invalidations");

    protected override Task<long> LoadCheckpointAsync(CancellationToken ct) =>
        FollowerCheckpoint.LoadAsync(store, CheckpointKey, "mt_doc_invalidationfeedcheckpoint", ct);

    protected override bool Wants(StoredEvent e) => Is(e, ActivatedType, under: ScoringPolicyBook.GovernanceStreamPrefix);

    /// <summary>Records the batch's invalidations and moves the checkpoint, in one transaction.</summary>
    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        var invalidations = Invalidations(events);
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var ids = invalidations.Select(i => i.Id).Distinct(StringComparer.Ordinal).ToArray();
        var read = new LockedRead(session).Lock(ids.Select(ScoringLocks.Case));
        var stored = read.Load<FollowerCheckpoint>(CheckpointKey);
        var recorded = read.LoadMany<InvalidatedContribution>(ids);
        await read.ExecuteAsync(ct);
        if (!FollowerCheckpoint.Advances(await stored, checkpoint))
            return true;
        var first = (await recorded).ToDictionary(r => r.Id, StringComparer.Ordinal);
        // A contribution keeps its first invalidation, in the history's order.
        foreach (var invalidation in invalidations)
        {
            if (first.ContainsKey(invalidation.Id))
                continue;
            first[invalidation.Id] = invalidation;
            session.Store(invalidation);
        }
        session.Store(new FollowerCheckpoint(CheckpointKey, checkpoint));
        await session.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The batch's invalidations, read from governance's streams only, in history order.</summary>
    private List<InvalidatedContribution> Invalidations(IReadOnlyList<StoredEvent> events) =>
        [.. events.Where(Wants)
            .Select(e => InvalidatedContribution.From(JsonSerializer.Deserialize<PolicyActivated>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data"), e.Sequence))
            .OfType<InvalidatedContribution>()];
}
