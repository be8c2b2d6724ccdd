using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using System.Data;
using System.Security.Cryptography;
using Marten;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// The encrypted, erasable content store (table <c>contributions.content</c>): one row per contribution with inline
/// content, holding the content sealed under its own data key (AES-256-GCM, bound to the contribution, contributor and
/// licence), and that data key wrapped under a master key. The data key belongs to the contributor's contribution alone,
/// so erasing one contribution destroys exactly its key and ciphertext and nothing else of the contributor's.
/// Never in the history: the history holds only the content hash.
/// </summary>
public sealed class ContentStore(NpgsqlDataSource dataSource, MasterKeySource keySource)
{
    // Read at start-up (configuration or a Dapr secret), before the first request or loop.
    private MasterKeyRing Keys => keySource.Ring;

    public const string TableName = ContributionsStore.Schema + ".content";

    /// <summary>The table, created by Marten with the service's other schema objects.</summary>
    public static Table Table()
    {
        var table = new Table(new Weasel.Postgresql.PostgresqlObjectName(ContributionsStore.Schema, "content", Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("contribution_id").AsPrimaryKey();
        table.AddColumn<string>("contributor").NotNull();
        table.AddColumn<string>("licence").NotNull();
        table.AddColumn<string>("master_key_id").NotNull();
        table.AddColumn("wrapped_key", "bytea").NotNull();
        table.AddColumn("ciphertext", "bytea").NotNull();
        table.AddColumn("stored_at", "timestamptz").NotNull();
        // Null: the content sealed whole (ContentSealing); else sealed in segments of this many bytes (SegmentedSealing).
        table.AddColumn("segment_size", "integer");
        return table;
    }

    /// <summary>Queues the sealed content in <paramref name="session"/>, so it commits with the contribution's event or not at all.</summary>
    public void Add(IDocumentSession session, ContributionSubmitted submitted, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(session);
        var row = Seal(submitted, content);
        session.QueueSqlCommand(
            $"INSERT INTO {TableName} (contribution_id, contributor, licence, master_key_id, wrapped_key, ciphertext, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            row.ContributionId, row.Contributor, row.Licence, row.MasterKeyId, row.WrappedKey, row.Ciphertext, row.StoredAt);
    }

    /// <summary>
    /// Queues many sealed contents in <paramref name="session"/> as one statement (a batch's thousand rows would
    /// otherwise be a thousand statements), committing with the batch's events or not at all.
    /// </summary>
    public void AddMany(IDocumentSession session, IReadOnlyList<(ContributionSubmitted Submitted, byte[] Content)> contents)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(contents);
        if (contents.Count == 0)
            return;
        var rows = new SealedRow[contents.Count];
        Parallel.For(0, rows.Length, i => rows[i] = Seal(contents[i].Submitted, contents[i].Content));
        QueueRows(session, rows);
    }

    /// <summary>Queues sealed rows as one statement (the intake benchmark's stored-rows limit writes the same statement).</summary>
    public static void QueueRows(IDocumentSession session, IReadOnlyList<SealedRow> rows)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(rows);
        session.QueueSqlCommand($"""
            INSERT INTO {TableName} (contribution_id, contributor, licence, master_key_id, wrapped_key, ciphertext, stored_at)
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::bytea[], ?::timestamptz[])
            """,
            rows.Select(r => r.ContributionId).ToArray(), rows.Select(r => r.Contributor).ToArray(), rows.Select(r => r.Licence).ToArray(),
            rows.Select(r => r.MasterKeyId).ToArray(), rows.Select(r => r.WrappedKey).ToArray(), rows.Select(r => r.Ciphertext).ToArray(),
            rows.Select(r => r.StoredAt).ToArray());
    }

    /// <summary>
    /// Seals content that arrives in order, a segment at a time (an upload's parts), straight into the table inside
    /// the caller's transaction, so it commits with the contribution's event or not at all. One segment is in memory at
    /// a time: the statement reads the sealed value from a <see cref="SegmentSealingStream"/> as it sends it.
    /// </summary>
    public async Task AddSegmentedAsync(NpgsqlConnection connection, ContributionSubmitted submitted, long size, int segmentSize,
        IAsyncEnumerable<ReadOnlyMemory<byte>> segments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(submitted);
        var licence = submitted.Licence ?? throw new ArgumentException("a stored content travels with its licence", nameof(submitted));
        var dataKey = ContentSealing.NewKey();
        byte[] wrapped;
        SegmentSealingStream sealedContent;
        try
        {
            wrapped = Keys.Wrap(dataKey, ContentSealing.KeyBinding(submitted.ContributionId, submitted.Contributor));
            sealedContent = new SegmentSealingStream(dataKey, size, segmentSize, segments,
                ContentSealing.ContentBinding(submitted.ContributionId, submitted.Contributor, licence), ct);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
        await using (sealedContent)
        {
            await using var insert = new NpgsqlCommand($"""
                INSERT INTO {TableName} (contribution_id, contributor, licence, master_key_id, wrapped_key, ciphertext, stored_at, segment_size)
                VALUES (@id, @contributor, @licence, @keyId, @wrapped, @ciphertext, @storedAt, @segmentSize)
                """, connection);
            insert.Parameters.AddWithValue("id", submitted.ContributionId);
            insert.Parameters.AddWithValue("contributor", submitted.Contributor);
            insert.Parameters.AddWithValue("licence", licence);
            insert.Parameters.AddWithValue("keyId", Keys.ActiveKeyId);
            insert.Parameters.AddWithValue("wrapped", wrapped);
            insert.Parameters.Add(new NpgsqlParameter<Stream>("ciphertext", NpgsqlTypes.NpgsqlDbType.Bytea) { TypedValue = sealedContent });
            insert.Parameters.AddWithValue("storedAt", submitted.SubmittedAt);
            insert.Parameters.AddWithValue("segmentSize", segmentSize);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>A content as stored: sealed under its data key, the key wrapped under a master key.</summary>
    public sealed record SealedRow(
        string ContributionId, string Contributor, string Licence, string MasterKeyId, byte[] WrappedKey, byte[] Ciphertext, DateTimeOffset StoredAt);

    private SealedRow Seal(ContributionSubmitted submitted, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        var licence = submitted.Licence ?? throw new ArgumentException("a stored content travels with its licence", nameof(submitted));
        var dataKey = ContentSealing.NewKey();
        var ciphertext = ContentSealing.Seal(dataKey, content, ContentSealing.ContentBinding(submitted.ContributionId, submitted.Contributor, licence));
        var wrapped = Keys.Wrap(dataKey, ContentSealing.KeyBinding(submitted.ContributionId, submitted.Contributor));
        CryptographicOperations.ZeroMemory(dataKey);
        return new SealedRow(submitted.ContributionId, submitted.Contributor, licence, Keys.ActiveKeyId, wrapped, ciphertext, submitted.SubmittedAt);
    }

    /// <summary>
    /// The content opened for reading a segment at a time (see <see cref="StoredContent"/>; dispose it to free its
    /// connection), or null when the store holds none (never sent, or erased).
    /// </summary>
    /// <exception cref="CryptographicException">The data key does not unwrap (altered, or bound to another contribution).</exception>
    /// <exception cref="KeyNotFoundException">The master key it was wrapped under is not configured here.</exception>
    public async Task<StoredContent?> OpenAsync(string contributionId, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        NpgsqlCommand? command = null;
        NpgsqlDataReader? reader = null;
        byte[]? dataKey = null;
        try
        {
            // Sequential access: the ciphertext, last, is streamed off the connection instead of buffered whole with its row.
            command = new NpgsqlCommand($"""
                SELECT contributor, licence, master_key_id, wrapped_key, segment_size, octet_length(ciphertext), ciphertext
                FROM {TableName} WHERE contribution_id = @id
                """, connection);
            command.Parameters.AddWithValue("id", contributionId);
            reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            if (!await reader.ReadAsync(ct))
            {
                await DisposeAllAsync(reader, command, connection);
                return null;
            }
            var contributor = await reader.GetFieldValueAsync<string>(0, ct);
            var licence = await reader.GetFieldValueAsync<string>(1, ct);
            var keyId = await reader.GetFieldValueAsync<string>(2, ct);
            var wrapped = await reader.GetFieldValueAsync<byte[]>(3, ct);
            int? segmentSize = await reader.IsDBNullAsync(4, ct) ? null : await reader.GetFieldValueAsync<int>(4, ct);
            var sealedLength = await reader.GetFieldValueAsync<int>(5, ct);
            dataKey = Keys.Unwrap(keyId, wrapped, ContentSealing.KeyBinding(contributionId, contributor));
            return new StoredContent(connection, command, reader, 6, contributionId, contributor, licence, dataKey, segmentSize, sealedLength);
        }
        catch
        {
            if (dataKey is not null)
                CryptographicOperations.ZeroMemory(dataKey);
            await DisposeAllAsync(reader, command, connection);
            throw;
        }
    }

    /// <summary>
    /// The contents of <paramref name="contributionIds"/> sealed whole (every inline submission), read and opened in one
    /// statement, by id: for a consumer of many small contents at once (the scoring handoff). Left out, for the caller to
    /// open one at a time with <see cref="OpenAsync"/>: ids the store holds no content for (never sent, or erased),
    /// contents sealed in segments (uploads, streamed), and any row that does not open here, so that the one-at-a-time
    /// read is the one place that says why.
    /// </summary>
    public async Task<Dictionary<string, byte[]>> ReadWholeManyAsync(IReadOnlyCollection<string> contributionIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(contributionIds);
        var rows = new List<(string Id, string Contributor, string Licence, string KeyId, byte[] Wrapped, byte[] Sealed)>(contributionIds.Count);
        await using (var command = dataSource.CreateCommand($"""
            SELECT contribution_id, contributor, licence, master_key_id, wrapped_key, ciphertext
            FROM {TableName} WHERE contribution_id = ANY(@ids) AND segment_size IS NULL
            """))
        {
            command.Parameters.AddWithValue("ids", contributionIds.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<byte[]>(4), reader.GetFieldValue<byte[]>(5)));
        }
        var opened = new Dictionary<string, byte[]>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            try
            {
                using var key = UnwrapKey(row.KeyId, row.Wrapped, ContentSealing.KeyBinding(row.Id, row.Contributor));
                opened[row.Id] = ContentSealing.Open(key.Bytes, row.Sealed, ContentSealing.ContentBinding(row.Id, row.Contributor, row.Licence));
            }
            catch (Exception e) when (e is CryptographicException or KeyNotFoundException)
            {
                // Left out: OpenAsync reads it again and fails with the reason, where every other reader fails.
            }
        }
        return opened;
    }

    private static async Task DisposeAllAsync(NpgsqlDataReader? reader, NpgsqlCommand? command, NpgsqlConnection connection)
    {
        if (reader is not null)
            await reader.DisposeAsync();
        if (command is not null)
            await command.DisposeAsync();
        await connection.DisposeAsync();
    }

    /// <summary>
    /// Unwraps a data key (a contribution's, or an upload's for its parts) under the master key it was wrapped with; the
    /// caller disposes it to wipe it. Every place that opens sealed parts takes its key from here, so none can forget the
    /// wipe; a streamed read (<see cref="StoredContent"/>) owns its key and wipes it when disposed.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The master key it was wrapped under is no longer configured.</exception>
    public UnwrappedKey UnwrapKey(string masterKeyId, byte[] wrapped, byte[] binding) => new(Keys.Unwrap(masterKeyId, wrapped, binding));

    /// <summary>A data key in the clear for as long as one use needs it: disposing it wipes it.</summary>
    public sealed class UnwrappedKey(byte[] bytes) : IDisposable
    {
        public byte[] Bytes => bytes;

        public void Dispose() => CryptographicOperations.ZeroMemory(bytes);
    }

    /// <summary>
    /// Destroys the content's data key and ciphertext inside the caller's transaction (crypto-shredding): true when
    /// there was content to destroy. The row's lock makes a concurrent second erasure find nothing.
    /// </summary>
    public static async Task<bool> DestroyAsync(NpgsqlConnection connection, string contributionId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand($"DELETE FROM {TableName} WHERE contribution_id = @id", connection);
        command.Parameters.AddWithValue("id", contributionId);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Moves up to <paramref name="batchSize"/> data keys still wrapped under a retired master key to the active one; the
    /// ciphertexts are not read nor rewritten. Rows in <paramref name="skip"/> are left out; a row whose data key does not
    /// unwrap is left as it is and named in the answer, so one damaged row does not stop the rotation.
    /// </summary>
    public Task<RewrapBatch> RewrapAsync(int batchSize, IReadOnlyCollection<string> skip, CancellationToken ct) =>
        RewrapKeysAsync(TableName, "contribution_id", ContentSealing.KeyBinding, batchSize, skip, ct);

    /// <summary>How many of this store's data keys are still wrapped under each retired master key (see <see cref="CountRetiredKeysAsync"/>).</summary>
    public Task<IReadOnlyDictionary<string, long>> CountRetiredAsync(CancellationToken ct) => CountRetiredKeysAsync(TableName, ct);

    /// <summary>
    /// How many rows of <paramref name="table"/> the rewrap still has to move, by the master key their data key is wrapped
    /// under: every retired key of the ring (0 once its last row moved) and any other key a row names (one no longer
    /// configured). The rewrap's own predicate, read without locks, so a row another transaction holds is counted too.
    /// </summary>
    internal async Task<IReadOnlyDictionary<string, long>> CountRetiredKeysAsync(string table, CancellationToken ct)
    {
        var counts = Keys.RetiredKeyIds.ToDictionary(id => id, _ => 0L, StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT master_key_id, count(*) FROM {table} WHERE wrapped_key IS NOT NULL AND master_key_id <> @active GROUP BY master_key_id", connection);
        command.Parameters.AddWithValue("active", Keys.ActiveKeyId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>
    /// Moves up to <paramref name="batchSize"/> data keys of <paramref name="table"/> (this store's, or open uploads')
    /// still wrapped under a retired master key to the active one, in one transaction. A row without a key (a completed
    /// upload) has nothing to move; a row another transaction holds is skipped until the next round; rows in
    /// <paramref name="skip"/> are left out, and a row whose key does not unwrap is left as it is and named in the answer.
    /// </summary>
    /// <param name="idColumn">The table's key column, bound into the data key with the row's contributor by <paramref name="binding"/>.</param>
    internal async Task<RewrapBatch> RewrapKeysAsync(string table, string idColumn, Func<string, string, byte[]> binding, int batchSize,
        IReadOnlyCollection<string> skip, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var rows = new List<(string Id, string Contributor, string KeyId, byte[] Wrapped)>();
        await using (var select = new NpgsqlCommand($"""
            SELECT {idColumn}, contributor, master_key_id, wrapped_key FROM {table}
            WHERE wrapped_key IS NOT NULL AND master_key_id <> @active AND NOT ({idColumn} = ANY(@skip)) LIMIT @n FOR UPDATE SKIP LOCKED
            """, connection))
        {
            select.Parameters.AddWithValue("active", Keys.ActiveKeyId);
            select.Parameters.AddWithValue("n", batchSize);
            select.Parameters.AddWithValue("skip", skip.ToArray());
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3)));
        }
        var skipped = new List<RewrapBatch.Unwrappable>();
        foreach (var row in rows)
        {
            byte[] rewrapped;
            try
            {
                rewrapped = Keys.Rewrap(row.KeyId, row.Wrapped, binding(row.Id, row.Contributor));
            }
            catch (Exception e) when (e is CryptographicException or KeyNotFoundException)
            {
                // One damaged row must not hold the rotation up: it stays as it is, and is reported by id.
                skipped.Add(new RewrapBatch.Unwrappable(row.Id, row.KeyId, e.Message));
                continue;
            }
            await using var update = new NpgsqlCommand(
                $"UPDATE {table} SET master_key_id = @active, wrapped_key = @wrapped WHERE {idColumn} = @id", connection);
            update.Parameters.AddWithValue("active", Keys.ActiveKeyId);
            update.Parameters.AddWithValue("wrapped", rewrapped);
            update.Parameters.AddWithValue("id", row.Id);
            await update.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new RewrapBatch(rows.Count, skipped);
    }
}
