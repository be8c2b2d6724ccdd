using CommunityAI.ServiceDefaults.Background;
using Marten;
using Npgsql;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// How far one <see cref="HistoryFollower"/> has acted on the history: every event at or below <see cref="Sequence"/>. One
/// document per follower, keyed by the follower's name (<c>scores</c>, <c>erasures</c>, …), in the service's own schema
/// (<c>&lt;schema&gt;.mt_doc_followercheckpoint</c>); a follower saves it in the transaction that applies its batch.
/// </summary>
public sealed record FollowerCheckpoint(string Id, long Sequence)
{
    /// <summary>
    /// Whether recording <paramref name="sequence"/> moves <paramref name="stored"/> forward. False means another leader's
    /// term got here first (a replica that lost its lease mid-batch): record nothing, since the checkpoint never moves back.
    /// Read <paramref name="stored"/> under the lock the batch's writes take, in the transaction that would save it.
    /// </summary>
    public static bool Advances(FollowerCheckpoint? stored, long sequence) => (stored?.Sequence ?? 0) < sequence;

    /// <summary>
    /// Records <paramref name="sequence"/> for the follower <paramref name="key"/> on its own, for a follower whose batch
    /// commits apart from it (each write refused twice by the store): under the checkpoint's own lock, and only forward,
    /// so a replica that lost its lease mid-batch cannot move it back. Returns whether it moved.
    /// </summary>
    public static async Task<bool> SaveAsync(IDocumentStore store, string key, long sequence, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await AdvisoryLock.TakeAsync(session.Connection!, ["follower-checkpoint:" + key], ct);
        if (!Advances(await session.LoadAsync<FollowerCheckpoint>(key, ct), sequence))
            return false;
        session.Store(new FollowerCheckpoint(key, sequence));
        await session.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The sequence the follower <paramref name="key"/> has acted up to, 0 before its first batch.</summary>
    /// <param name="legacyTable">
    /// The table (in the service's schema, e.g. <c>mt_doc_scorefeedcheckpoint</c>) where this follower kept its checkpoint
    /// before every follower shared this document, under the same key. When this document is absent and that one holds a
    /// sequence, the sequence is carried over (inserted, never overwriting), so an upgraded deployment continues where it
    /// was instead of reading the whole history again.
    /// </param>
    public static async Task<long> LoadAsync(IDocumentStore store, string key, string? legacyTable, CancellationToken ct)
    {
        await using (var query = store.QuerySession())
            if (await query.LoadAsync<FollowerCheckpoint>(key, ct) is { } saved)
                return saved.Sequence;
        if (legacyTable is null)
            return 0;
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var legacy = await LegacySequenceAsync(session.Connection!, store.Options.DatabaseSchemaName, legacyTable, key, ct);
        if (legacy is not > 0)
            return 0;
        // Insert, not store: a checkpoint saved meanwhile (a leader the lease moved to) is newer and stays.
        session.Insert(new FollowerCheckpoint(key, legacy.Value));
        try
        {
            await session.SaveChangesAsync(ct);
            return legacy.Value;
        }
        catch (Exception e) when (StoreConflicts.IsDuplicate(e))
        {
            return await LoadAsync(store, key, legacyTable: null, ct);
        }
    }

    private static async Task<long?> LegacySequenceAsync(NpgsqlConnection connection, string schema, string table, string key, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass(format('%I.%I', @schema::text, @table::text)) IS NOT NULL", connection);
        exists.Parameters.AddWithValue("schema", schema);
        exists.Parameters.AddWithValue("table", table);
        if (await exists.ExecuteScalarAsync(ct) is not true)
            return null;
        // The old documents had this one's shape, serialised the same way: {"id": key, "sequence": n}.
        await using var read = new NpgsqlCommand(
            $"SELECT (data->>'sequence')::bigint FROM \"{schema}\".\"{table}\" WHERE id = @key", connection);
        read.Parameters.AddWithValue("key", key);
        return await read.ExecuteScalarAsync(ct) as long?;
    }
}
