using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Notes;
using Npgsql;

namespace CommunityAI.ChainBridge.Checkpoints;

/// <summary>
/// Witnesses' cosignatures of our checkpoints, one per witness key and tree size (a newer one from the same witness
/// replaces the older), and the newest size each witness key cosigned. They are public and checkable by anyone, so they
/// live beside the log (<see cref="LogSchema"/> creates the tables), not in the history.
/// </summary>
public sealed class CosignatureStore(NpgsqlDataSource dataSource)
{
    private const string S = LogSchema.Schema;

    /// <summary>
    /// Stores cosignatures of the checkpoint of size <paramref name="treeSize"/> and moves each witness's newest size up
    /// to it, in one transaction. The caller has verified every line under a configured witness key (the newest-size
    /// table is what bounds the witnessed checkpoint's search, so nothing unverified may raise it).
    /// </summary>
    public async Task SaveVerifiedAsync(long treeSize, IReadOnlyList<NoteSignature> verified, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var line in verified)
        {
            batch.BatchCommands.Add(Command($"""
                INSERT INTO {S}.checkpoint_cosignatures (tree_size, witness, key_hash, signature) VALUES (@size, @witness, @hash, @signature)
                ON CONFLICT (tree_size, witness, key_hash) DO UPDATE SET signature = excluded.signature
                """, treeSize, line));
            batch.BatchCommands.Add(Command($"""
                INSERT INTO {S}.checkpoint_witness_latest (witness, key_hash, tree_size) VALUES (@witness, @hash, @size)
                ON CONFLICT (witness, key_hash) DO UPDATE SET tree_size = GREATEST({S}.checkpoint_witness_latest.tree_size, excluded.tree_size)
                """, treeSize, line));
        }
        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<NoteSignature>> ReadAsync(long treeSize, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT witness, key_hash, signature FROM {S}.checkpoint_cosignatures WHERE tree_size = @size ORDER BY witness, key_hash
            """);
        command.Parameters.AddWithValue("size", treeSize);
        var found = new List<NoteSignature>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add(new NoteSignature(reader.GetString(0), (uint)reader.GetInt64(1), (byte[])reader[2]));
        return found;
    }

    /// <summary>
    /// The largest tree sizes up to <paramref name="atMost"/>, newest first, for which at least <paramref name="required"/>
    /// of <paramref name="witnesses"/> have a stored cosignature. Only keys still configured count: a witness removed
    /// from the configuration no longer vouches for anything served.
    /// </summary>
    /// <remarks>
    /// No size above the <paramref name="required"/>-th newest of the witnesses' newest sizes can have enough
    /// cosignatures, so the search starts there (n rows read) instead of at the head: a stopped witness used to make every
    /// request pass every size the others cosigned since it stopped (about 25 ms per 100k). What is left to pass is the
    /// sizes between that bound and the newest one the witnesses have in common.
    /// </remarks>
    public async Task<IReadOnlyList<long>> SizesCosignedAsync(IReadOnlyList<NoteKey> witnesses, int required, long atMost, int limit, CancellationToken ct)
    {
        // The primary key makes each (witness, key hash) row per size distinct, so count(*) counts distinct witnesses.
        // With fewer than the required witnesses known to the latest table the bound is NULL and no size qualifies.
        await using var command = dataSource.CreateCommand($"""
            WITH known AS (SELECT * FROM unnest(@names::text[], @hashes::bigint[]) AS k(witness, key_hash))
            SELECT tree_size FROM {S}.checkpoint_cosignatures
            WHERE tree_size <= @atMost
              AND tree_size <= (SELECT tree_size FROM {S}.checkpoint_witness_latest
                                WHERE (witness, key_hash) IN (SELECT * FROM known)
                                ORDER BY tree_size DESC OFFSET @required - 1 LIMIT 1)
              AND (witness, key_hash) IN (SELECT * FROM known)
            GROUP BY tree_size HAVING count(*) >= @required
            ORDER BY tree_size DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("atMost", atMost);
        command.Parameters.AddWithValue("names", witnesses.Select(w => w.Name).ToArray());
        command.Parameters.AddWithValue("hashes", witnesses.Select(w => (long)w.KeyHash).ToArray());
        command.Parameters.AddWithValue("required", required);
        command.Parameters.AddWithValue("limit", limit);
        var sizes = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            sizes.Add(reader.GetInt64(0));
        return sizes;
    }

    private static NpgsqlBatchCommand Command(string sql, long treeSize, NoteSignature line)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("size", treeSize);
        command.Parameters.AddWithValue("witness", line.Name);
        command.Parameters.AddWithValue("hash", (long)line.KeyHash);
        command.Parameters.AddWithValue("signature", line.Signature);
        return command;
    }
}
