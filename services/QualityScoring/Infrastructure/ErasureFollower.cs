using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Follows the contributions service's streams in the history through the gap-safe <see cref="HistoryFeed"/>, on one
/// replica at a time, and removes every erased contribution's MinHash signature and band keys from the near-duplicate
/// index, remembering it as <see cref="ErasedContent"/> so a late intake does not index it again. Each erasure is applied
/// under its case lock, the lock intake holds while it indexes, so the two cannot interleave.
/// </summary>
public sealed class ErasureFollower(NpgsqlDataSource dataSource, IDocumentStore store) : HistoryFollower(dataSource, ContributionStreams)
{
    private const string ContributionStreams = "contributions/";
    private static readonly string ErasedType = OutboxRoutes.EventTypeName(typeof(ContributionErased));

    /// <summary>This follower's <see cref="FollowerCheckpoint"/>: every erasure at or below it is applied.</summary>
    public const string CheckpointKey = "erasures";

    public override LeaderLoopSettings Settings { get; } = new("scoring-erasures");

    protected override Task<long> LoadCheckpointAsync(CancellationToken ct) =>
        FollowerCheckpoint.LoadAsync(store, CheckpointKey, "mt_doc_erasurefeedcheckpoint", ct);

    protected override bool Wants(StoredEvent e) => Is(e, ErasedType, under: ContributionStreams);

    /// <summary>Removes the erased contributions' index rows and moves the checkpoint, in one transaction.</summary>
    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        var erased = Erasures(events);
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var ids = erased.Select(e => Formats.Hex.Encode(Formats.Hex.Decode(e.ContributionId, 32))).Distinct().ToArray();
        var read = new LockedRead(session).Lock(ids.Select(ScoringLocks.Case));
        var stored = read.Load<FollowerCheckpoint>(CheckpointKey);
        await read.ExecuteAsync(ct);
        if (!FollowerCheckpoint.Advances(await stored, checkpoint))
            return true;
        if (ids.Length > 0)
        {
            foreach (var e in erased)
                session.Store(new ErasedContent(Formats.Hex.Encode(Formats.Hex.Decode(e.ContributionId, 32)), e.ErasedAt));
            session.QueueSqlCommand(NearDuplicateIndex.DeleteSql, (object)ids);
        }
        session.Store(new FollowerCheckpoint(CheckpointKey, checkpoint));
        await session.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The batch's erasures, read from the contributions service's streams only.</summary>
    private List<ContributionErased> Erasures(IReadOnlyList<StoredEvent> events) =>
        [.. events.Where(Wants)
            .Select(e => JsonSerializer.Deserialize<ContributionErased>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data"))];
}
