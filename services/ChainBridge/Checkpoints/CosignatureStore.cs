using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Notes;
using Npgsql;

namespace CommunityAI.ChainBridge.Checkpoints;

/// <summary>
/// Witnesses' cosignatures of our checkpoints, one per witness key and tree size (a newer one from the same witness
/// replaces the older). They are public and checkable by anyone, so they live beside the log, not in the history.
/// </summary>
public sealed class CosignatureStore(NpgsqlDataSource dataSource)
{
    private const string S = LogSchema.Schema;
    private readonly SemaphoreSlim _schema = new(1, 1);
    private volatile bool _ready;

    public async Task SaveAsync(long treeSize, NoteSignature cosignature, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {S}.checkpoint_cosignatures (tree_size, witness, key_hash, signature) VALUES (@size, @witness, @hash, @signature)
            ON CONFLICT (tree_size, witness, key_hash) DO UPDATE SET signature = excluded.signature
            """);
        command.Parameters.AddWithValue("size", treeSize);
        command.Parameters.AddWithValue("witness", cosignature.Name);
        command.Parameters.AddWithValue("hash", (long)cosignature.KeyHash);
        command.Parameters.AddWithValue("signature", cosignature.Signature);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<NoteSignature>> ReadAsync(long treeSize, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
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
    public async Task<IReadOnlyList<long>> SizesCosignedAsync(IReadOnlyList<NoteKey> witnesses, int required, long atMost, int limit, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        // The primary key makes each (witness, key hash) row per size distinct, so count(*) counts distinct witnesses.
        await using var command = dataSource.CreateCommand($"""
            SELECT tree_size FROM {S}.checkpoint_cosignatures
            WHERE tree_size <= @atMost AND (witness, key_hash) IN (SELECT * FROM unnest(@names::text[], @hashes::bigint[]))
            GROUP BY tree_size HAVING count(*) >= @required
            ORDER BY tree_size DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("atMost", atMost);
        command.Parameters.AddWithValue("names", witnesses.Select(w => w.Name).ToArray());
        command.Parameters.AddWithValue("hashes", witnesses.Select(w => (long)w.KeyHash).ToArray());
        command.Parameters.AddWithValue("required", (long)required);
        command.Parameters.AddWithValue("limit", limit);
        var sizes = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            sizes.Add(reader.GetInt64(0));
        return sizes;
    }

    private async Task EnsureSchemaAsync(CancellationToken ct)
    {
        if (_ready)
            return;
        await _schema.WaitAsync(ct);
        try
        {
            if (_ready)
                return;
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            // Replicas may start together; the same advisory lock as the log's own DDL.
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('communityai:log-schema', 0))", connection, transaction))
                await lockCommand.ExecuteNonQueryAsync(ct);
            await using (var ddl = new NpgsqlCommand($"""
                CREATE SCHEMA IF NOT EXISTS {S};
                CREATE TABLE IF NOT EXISTS {S}.checkpoint_cosignatures (
                    tree_size bigint NOT NULL,
                    witness   text   NOT NULL,
                    key_hash  bigint NOT NULL,
                    signature bytea  NOT NULL,
                    PRIMARY KEY (tree_size, witness, key_hash));
                """, connection, transaction))
                await ddl.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            _ready = true;
        }
        finally
        {
            _schema.Release();
        }
    }
}
