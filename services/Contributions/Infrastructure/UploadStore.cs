using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Formats;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Uploads in parts (tables <c>contributions.uploads</c> and <c>contributions.upload_parts</c>): each upload has its own
/// data key, wrapped by the master key like a contribution's, and every part is sealed under it (AES-256-GCM, bound to
/// the upload and the part's index) before it touches the database. No plaintext is ever stored: at completion the
/// parts are opened one at a time, checked, sealed again as the contribution's content, and deleted with the upload's
/// key in the transaction that records the contribution; an erased or expired upload loses its key and parts the same
/// way. A master-key rotation rewraps open uploads' keys as it does contributions'.
/// </summary>
public sealed class UploadStore(NpgsqlDataSource dataSource, MasterKeySource keySource, IDocumentStore store, ContentStore contents)
{
    public const string UploadsTable = ContributionsStore.Schema + ".uploads";
    public const string PartsTable = ContributionsStore.Schema + ".upload_parts";

    private MasterKeyRing Keys => keySource.Ring;

    public static IEnumerable<Table> Tables()
    {
        var uploads = new Table(new Weasel.Postgresql.PostgresqlObjectName(ContributionsStore.Schema, "uploads", Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        uploads.AddColumn<string>("upload_id").AsPrimaryKey();
        uploads.AddColumn<string>("contributor").NotNull();
        uploads.AddColumn<string>("content_hash").NotNull();
        uploads.AddColumn("size", "bigint").NotNull();
        uploads.AddColumn("part_size", "integer").NotNull();
        uploads.AddColumn("part_hashes", "bytea").NotNull();
        uploads.AddColumn<string>("master_key_id");
        uploads.AddColumn("wrapped_key", "bytea"); // null once completed: the tombstone that answers a second completion
        uploads.AddColumn("opened_at", "timestamptz").NotNull();
        uploads.AddColumn("expires_at", "timestamptz").NotNull();
        uploads.AddColumn<string>("completed_by");
        yield return uploads;

        var parts = new Table(new Weasel.Postgresql.PostgresqlObjectName(ContributionsStore.Schema, "upload_parts", Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        parts.AddColumn<string>("upload_id").AsPrimaryKey();
        parts.AddColumn("part_index", "integer").AsPrimaryKey();
        parts.AddColumn("ciphertext", "bytea").NotNull();
        yield return parts;
    }

    /// <summary>An upload as stored; <see cref="WrappedKey"/> is null once it is completed.</summary>
    private sealed record Row(
        UploadPlan Plan, string? MasterKeyId, byte[]? WrappedKey, DateTimeOffset ExpiresAt, string? CompletedBy);

    public abstract record OpenOutcome
    {
        private OpenOutcome() { }
        public sealed record Opened(DateTimeOffset ExpiresAt) : OpenOutcome;
        public sealed record NonceTaken(string Reason) : OpenOutcome;
        public sealed record OverLimit(string Detail) : OpenOutcome;
    }

    /// <summary>
    /// Opens the upload and spends its nonce in one transaction, under the contributor's lock so two opens cannot both
    /// pass the limits of open uploads and bytes in flight.
    /// </summary>
    public async Task<OpenOutcome> OpenAsync(UploadPlan plan, string nonce, IntakeOptions options, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var nonceKey = NonceKey(plan.Contributor, nonce);
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var connection = session.Connection!;
            await AdvisoryLock.TakeAsync(connection, new[] { "contributions:uploads:" + plan.Contributor.ToLowerInvariant() }, ct);
            if (await session.LoadAsync<NonceUse>(nonceKey, ct) is not null)
                return NonceTakenBy(plan, nonce);

            await using (var open = new NpgsqlCommand(
                $"SELECT count(*), coalesce(sum(size), 0)::bigint FROM {UploadsTable} WHERE contributor = @c AND completed_by IS NULL AND expires_at > @now",
                connection))
            {
                open.Parameters.AddWithValue("c", plan.Contributor);
                open.Parameters.AddWithValue("now", now);
                await using var reader = await open.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                var (count, bytes) = (reader.GetInt64(0), reader.GetInt64(1));
                if (count >= options.MaxOpenUploads)
                    return new OpenOutcome.OverLimit($"{plan.Contributor} has {count} uploads open, the most allowed; complete, erase or let one expire first");
                if (bytes + plan.Size > options.MaxUploadBytesInFlight)
                    return new OpenOutcome.OverLimit(
                        $"{plan.Contributor}'s open uploads announce {bytes} bytes; with {plan.Size} more they would pass the {options.MaxUploadBytesInFlight} allowed in flight");
            }

            var dataKey = ContentSealing.NewKey();
            var wrapped = Keys.Wrap(dataKey, KeyBinding(plan.UploadId, plan.Contributor));
            CryptographicOperations.ZeroMemory(dataKey);
            var expiresAt = now + options.UploadLifetime;
            await using (var insert = new NpgsqlCommand($"""
                INSERT INTO {UploadsTable} (upload_id, contributor, content_hash, size, part_size, part_hashes, master_key_id, wrapped_key, opened_at, expires_at)
                VALUES (@id, @c, @hash, @size, @partSize, @partHashes, @keyId, @wrapped, @now, @expires)
                """, connection))
            {
                insert.Parameters.AddWithValue("id", plan.UploadId);
                insert.Parameters.AddWithValue("c", plan.Contributor);
                insert.Parameters.AddWithValue("hash", plan.ContentHash);
                insert.Parameters.AddWithValue("size", plan.Size);
                insert.Parameters.AddWithValue("partSize", plan.PartSize);
                insert.Parameters.AddWithValue("partHashes", plan.JoinedHashes());
                insert.Parameters.AddWithValue("keyId", Keys.ActiveKeyId);
                insert.Parameters.AddWithValue("wrapped", wrapped);
                insert.Parameters.AddWithValue("now", now);
                insert.Parameters.AddWithValue("expires", expiresAt);
                await insert.ExecuteNonQueryAsync(ct);
            }
            session.Insert(new NonceUse(nonceKey, plan.UploadId));
            await session.SaveChangesAsync(ct);
            return new OpenOutcome.Opened(expiresAt);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex) || StoreConflicts.IsUniqueViolation(ex))
        {
            return NonceTakenBy(plan, nonce);
        }
    }

    private static OpenOutcome.NonceTaken NonceTakenBy(UploadPlan plan, string nonce) =>
        new($"nonce {nonce} of {plan.Contributor} is already used by another upload");

    public static string NonceKey(string contributor, string nonce) => "upload:" + NonceUse.KeyFor(contributor, nonce);

    public abstract record PartOutcome
    {
        private PartOutcome() { }
        public sealed record Stored(bool Before) : PartOutcome;
        public sealed record Refused(int Status, string Title, string Field, string Detail) : PartOutcome;
    }

    /// <summary>
    /// Seals and stores part <paramref name="index"/> when its length and SHA-256 are the signed ones. Storing the same
    /// part again changes nothing (a retry); the upload row is share-locked so a part cannot slip in after completion.
    /// </summary>
    public async Task<PartOutcome> PutPartAsync(string uploadId, int index, byte[] body, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var hash = SHA256.HashData(body);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var row = await LoadAsync(connection, uploadId, "FOR SHARE", ct);
        if (Closed(row, now) is { } closed)
            return closed;
        var plan = row!.Plan;
        if (index < 0 || index >= plan.Parts)
            return new PartOutcome.Refused(StatusCodes.Status404NotFound, "No such part", "index",
                $"this upload has {plan.Parts} parts, numbered 0 to {plan.Parts - 1}");
        if (body.Length != plan.LengthOf(index))
            return new PartOutcome.Refused(StatusCodes.Status400BadRequest, "Wrong part length", "body",
                $"part {index} is {plan.LengthOf(index)} bytes as signed; this body is {body.Length}");
        if (!hash.AsSpan().SequenceEqual(plan.PartHashes[index]))
            return new PartOutcome.Refused(StatusCodes.Status409Conflict, "Not the signed part", "index",
                $"the body's SHA-256 {Hex.Encode(hash)} is not the hash the contributor signed for part {index}");

        byte[] sealedPart;
        using (var dataKey = contents.UnwrapKey(row.MasterKeyId!, row.WrappedKey!, KeyBinding(uploadId, plan.Contributor)))
            sealedPart = ContentSealing.Seal(dataKey.Bytes, body, PartBinding(uploadId, index));
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {PartsTable} (upload_id, part_index, ciphertext) VALUES (@id, @i, @c) ON CONFLICT DO NOTHING", connection);
        insert.Parameters.AddWithValue("id", uploadId);
        insert.Parameters.AddWithValue("i", index);
        insert.Parameters.AddWithValue("c", sealedPart);
        var inserted = await insert.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return new PartOutcome.Stored(Before: inserted == 0);
    }

    private static PartOutcome.Refused? Closed(Row? row, DateTimeOffset now) => row switch
    {
        null => new(StatusCodes.Status404NotFound, "No such upload", "id", "no upload has this id (never opened, erased, or expired and deleted)"),
        { CompletedBy: { } contribution } => new(StatusCodes.Status409Conflict, "Upload completed", "id",
            $"this upload is complete: it became contribution {contribution}"),
        { ExpiresAt: var expired } when expired <= now => new(StatusCodes.Status410Gone, "Upload expired", "id",
            $"this upload expired at {expired:O}; its parts are being deleted"),
        _ => null,
    };

    /// <summary>What GET /api/uploads/{id} shows, so a client resumes by sending only the missing parts.</summary>
    public sealed record Status(
        string UploadId, string Contributor, string ContentHash, long Size, int PartSize, int Parts, IReadOnlyList<int> Received,
        DateTimeOffset ExpiresAt, string? CompletedBy);

    public async Task<Status?> StatusAsync(string uploadId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await LoadAsync(connection, uploadId, "", ct) is not { } row)
            return null;
        var received = new List<int>();
        await using var command = new NpgsqlCommand($"SELECT part_index FROM {PartsTable} WHERE upload_id = @id ORDER BY part_index", connection);
        command.Parameters.AddWithValue("id", uploadId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            received.Add(reader.GetInt32(0));
        var plan = row.Plan;
        return new Status(uploadId, plan.Contributor, plan.ContentHash, plan.Size, plan.PartSize, plan.Parts, received, row.ExpiresAt, row.CompletedBy);
    }

    public abstract record Completion
    {
        private Completion() { }

        /// <summary>
        /// Every part was in and the whole hashed to the signed content hash: the content (salt line included) is
        /// sealed into the content store in the caller's transaction, which has yet to commit.
        /// </summary>
        public sealed record Stored(long Size) : Completion;

        /// <summary>The same contribution completed this upload before (a retried submission).</summary>
        public sealed record CompletedBefore : Completion;

        /// <summary>Nothing may commit: when the content store was written to already, the caller's transaction must roll back.</summary>
        public sealed record Refused(int Status, string Title, string Field, string Detail) : Completion;
    }

    /// <summary>
    /// Inside the caller's transaction: locks the upload, checks it belongs to the contribution's signer and holds the
    /// content it signed, then streams it into the content store: the parts are read in order from a second
    /// connection (the upload's lock keeps them as they are), each opened, hashed and sealed again as the next segment
    /// of the contribution's content, so one part is in memory at a time, not the whole. The whole's SHA-256 and salt
    /// line are known only at the end: on a refusal then, the caller rolls back what was written. The caller queues
    /// <see cref="QueueCompletion"/> in the same transaction, so the contribution is stored and the upload consumed
    /// together or not at all.
    /// </summary>
    public async Task<Completion> CompleteAsync(NpgsqlConnection connection, string uploadId, ContributionSubmitted submitted,
        DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        var row = await LoadAsync(connection, uploadId, "FOR UPDATE", ct);
        if (row is { CompletedBy: { } by } && by == submitted.ContributionId)
            return new Completion.CompletedBefore();
        if (Closed(row, now) is { } closed)
            return new Completion.Refused(closed.Status, closed.Title, "upload", closed.Detail);
        var plan = row!.Plan;
        if (!string.Equals(plan.Contributor, submitted.Contributor, StringComparison.OrdinalIgnoreCase))
            return new Completion.Refused(StatusCodes.Status403Forbidden, "Not your upload", "upload",
                "an upload completes only as a contribution signed by the contributor who opened it");
        if (!string.Equals(plan.ContentHash, submitted.ContentHash, StringComparison.OrdinalIgnoreCase))
            return new Completion.Refused(StatusCodes.Status409Conflict, "The upload holds other content", "contentHash",
                $"the upload was opened for content hash {plan.ContentHash}; the contribution signs {submitted.ContentHash}");
        var missing = Enumerable.Range(0, plan.Parts).Except(await PartIndexesAsync(connection, uploadId, ct)).ToArray();
        if (missing.Length > 0)
            return new Completion.Refused(StatusCodes.Status409Conflict, "Upload incomplete", "upload",
                $"{missing.Length} of {plan.Parts} parts are missing: {string.Join(", ", missing.Take(20))}{(missing.Length > 20 ? ", …" : "")}");

        var assembly = new PartAssembly(plan);
        using (var dataKey = contents.UnwrapKey(row.MasterKeyId!, row.WrappedKey!, KeyBinding(uploadId, plan.Contributor)))
        {
            await contents.AddSegmentedAsync(connection, submitted with { ContentSize = plan.Size }, plan.Size, plan.PartSize,
                OpenPartsAsync(dataKey.Bytes, plan, assembly, ct), ct);
        }
        if (assembly.Damaged is { } damaged)
            return new Completion.Refused(StatusCodes.Status422UnprocessableEntity, "Stored part does not open", "upload",
                $"part {damaged} of this upload does not open under the upload's key: it was altered where it is stored; erase the upload and send it again");
        if (!Hex.TryDecode(submitted.ContentHash, out var signed, 32) || !assembly.Hash.AsSpan().SequenceEqual(signed))
            return new Completion.Refused(StatusCodes.Status422UnprocessableEntity, "Assembled content does not match", "upload",
                "the SHA-256 of the parts put together is not the contribution's contentHash");
        if (!ContentSalt.TryStrip(assembly.Head, out _))
            return new Completion.Refused(StatusCodes.Status422UnprocessableEntity, "Content without a salt line", "content",
                $"must begin with a salt line (\"{ContentSalt.Prefix}\" and 64 random lowercase hex digits, then a newline), so its public hash cannot be guessed");
        return new Completion.Stored(plan.Size);
    }

    private static async Task<HashSet<int>> PartIndexesAsync(NpgsqlConnection connection, string uploadId, CancellationToken ct)
    {
        var indexes = new HashSet<int>();
        await using var command = new NpgsqlCommand($"SELECT part_index FROM {PartsTable} WHERE upload_id = @id", connection);
        command.Parameters.AddWithValue("id", uploadId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            indexes.Add(reader.GetInt32(0));
        return indexes;
    }

    /// <summary>What streaming the parts learns on the way: the whole's SHA-256, its first bytes (the salt line), a damaged part.</summary>
    private sealed class PartAssembly(UploadPlan plan)
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _head = new byte[(int)Math.Min(plan.Size, ContentSalt.LineLength)];
        private long _seen;

        public int? Damaged { get; set; }
        public byte[] Hash => _hash.GetCurrentHash();
        public byte[] Head => _head;

        public void Add(ReadOnlySpan<byte> part)
        {
            _hash.AppendData(part);
            if (_seen < _head.Length)
                part[..(int)Math.Min(part.Length, _head.Length - _seen)].CopyTo(_head.AsSpan((int)_seen));
            _seen += part.Length;
        }
    }

    /// <summary>
    /// The upload's content, part by part in one reused buffer, from a connection of its own (the caller's is busy
    /// sending the content on). A part that does not open, is out of place or of the wrong length marks the assembly
    /// damaged, and zeros stand in for it and the rest, so the statement still ends cleanly and is rolled back.
    /// </summary>
    private async IAsyncEnumerable<ReadOnlyMemory<byte>> OpenPartsAsync(byte[] uploadKey, UploadPlan plan, PartAssembly assembly,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var plaintext = new byte[plan.LengthOf(0)];
        var sealedPart = new byte[plaintext.Length + ContentSealing.Overhead];
        using var aes = new AesGcm(uploadKey, 16);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT part_index, ciphertext FROM {PartsTable} WHERE upload_id = @id ORDER BY part_index", connection);
        command.Parameters.AddWithValue("id", plan.UploadId);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        for (var index = 0; index < plan.Parts; index++)
        {
            var length = plan.LengthOf(index);
            var part = plaintext.AsMemory(0, length);
            if (assembly.Damaged is null && !await TryOpenNextAsync(reader, aes, index, length, sealedPart, part, plan.UploadId, ct))
                assembly.Damaged = index;
            if (assembly.Damaged is not null)
                part.Span.Clear();
            else
                assembly.Add(part.Span);
            yield return part;
        }
    }

    private static async Task<bool> TryOpenNextAsync(NpgsqlDataReader reader, AesGcm aes, int index, int length, byte[] sealedPart,
        Memory<byte> plaintext, string uploadId, CancellationToken ct)
    {
        // A stored value longer than the buffer reads cut short, and its tag then fails like any other alteration.
        if (!await reader.ReadAsync(ct) || reader.GetInt32(0) != index || reader.GetBytes(1, 0, sealedPart, 0, sealedPart.Length) != length + ContentSealing.Overhead)
            return false;
        return ContentSealing.TryOpen(aes, sealedPart.AsSpan(0, length + ContentSealing.Overhead), PartBinding(uploadId, index), plaintext.Span);
    }

    /// <summary>Queues, in the session that stores the contribution, the deletion of the upload's parts and key.</summary>
    public static void QueueCompletion(IDocumentSession session, string uploadId, string contributionId)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.QueueSqlCommand($"DELETE FROM {PartsTable} WHERE upload_id = ?", uploadId);
        session.QueueSqlCommand($"UPDATE {UploadsTable} SET completed_by = ?, wrapped_key = NULL, master_key_id = NULL WHERE upload_id = ?",
            contributionId, uploadId);
    }

    public abstract record EraseOutcome
    {
        private EraseOutcome() { }
        public sealed record Erased : EraseOutcome;
        public sealed record Refused(int Status, string Title, string Field, string Detail) : EraseOutcome;
    }

    /// <summary>
    /// A contributor's signed erasure of an upload not yet completed: its key and every part are deleted, and the
    /// erasure's nonce spent, in one transaction. A completed upload is a contribution: that is what to erase.
    /// </summary>
    public async Task<EraseOutcome> EraseAsync(string uploadId, string contributor, string nonce, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var connection = session.Connection!;
            var row = await LoadAsync(connection, uploadId, "FOR UPDATE", ct);
            if (row is null)
                return new EraseOutcome.Refused(StatusCodes.Status404NotFound, "No such upload", "id",
                    "no upload has this id (never opened, already erased, or expired and deleted)");
            if (!string.Equals(row.Plan.Contributor, contributor, StringComparison.OrdinalIgnoreCase))
                return new EraseOutcome.Refused(StatusCodes.Status403Forbidden, "Not the contributor", "contributor",
                    "only the contributor who opened an upload may erase it");
            if (row.CompletedBy is { } contribution)
                return new EraseOutcome.Refused(StatusCodes.Status409Conflict, "Upload completed", "id",
                    $"this upload became contribution {contribution}: erase that contribution (POST /api/contributions/{contribution}/erasure)");
            await using (var delete = new NpgsqlCommand(
                $"DELETE FROM {PartsTable} WHERE upload_id = @id; DELETE FROM {UploadsTable} WHERE upload_id = @id", connection))
            {
                delete.Parameters.AddWithValue("id", uploadId);
                await delete.ExecuteNonQueryAsync(ct);
            }
            session.Insert(new NonceUse(ContentEraser.NonceKey(contributor, nonce), uploadId));
            await session.SaveChangesAsync(ct);
            return new EraseOutcome.Erased();
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return new EraseOutcome.Refused(StatusCodes.Status409Conflict, "Nonce already used", "nonce",
                $"nonce {nonce} of {contributor} is already used by another erasure");
        }
    }

    /// <summary>
    /// Deletes uploads past their lifetime with their key and parts (and completed uploads' tombstones). The upload rows
    /// go first: a part being stored holds its upload's row, so it either commits before and is deleted here, or finds
    /// no upload and is refused.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            WITH gone AS (DELETE FROM {UploadsTable} WHERE expires_at <= @now RETURNING upload_id)
            SELECT upload_id FROM gone
            """, connection);
        command.Parameters.AddWithValue("now", now);
        var ids = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                ids.Add(reader.GetString(0));
        if (ids.Count > 0)
        {
            await using var parts = new NpgsqlCommand($"DELETE FROM {PartsTable} WHERE upload_id = ANY(@ids)", connection);
            parts.Parameters.AddWithValue("ids", ids.ToArray());
            await parts.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return ids.Count;
    }

    /// <summary>
    /// Moves up to <paramref name="batchSize"/> open uploads' keys still wrapped under a retired master key to the active
    /// one, as <see cref="ContentStore.RewrapAsync"/> does for contributions' keys; the parts are neither read nor
    /// rewritten. An upload being completed, sent a part or erased holds its row and is skipped until the next round.
    /// Rows in <paramref name="skip"/> are left out, and one whose key does not unwrap is left as it is and named.
    /// </summary>
    public Task<RewrapBatch> RewrapAsync(int batchSize, IReadOnlyCollection<string> skip, CancellationToken ct) =>
        contents.RewrapKeysAsync(UploadsTable, "upload_id", KeyBinding, batchSize, skip, ct);

    /// <summary>How many open uploads' data keys are still wrapped under each retired master key (see <see cref="ContentStore.CountRetiredKeysAsync"/>).</summary>
    public Task<IReadOnlyDictionary<string, long>> CountRetiredAsync(CancellationToken ct) => contents.CountRetiredKeysAsync(UploadsTable, ct);

    private static async Task<Row?> LoadAsync(NpgsqlConnection connection, string uploadId, string locking, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT contributor, content_hash, size, part_size, part_hashes, master_key_id, wrapped_key, expires_at, completed_by
            FROM {UploadsTable} WHERE upload_id = @id {locking}
            """, connection);
        command.Parameters.AddWithValue("id", uploadId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        var plan = new UploadPlan(uploadId, reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3),
            UploadPlan.SplitHashes(reader.GetFieldValue<byte[]>(4)));
        return new Row(plan, reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<byte[]>(6),
            reader.GetFieldValue<DateTimeOffset>(7), reader.IsDBNull(8) ? null : reader.GetString(8));
    }

    private static byte[] KeyBinding(string uploadId, string contributor) =>
        System.Text.Encoding.UTF8.GetBytes($"communityai/upload-key\n{uploadId}\n{contributor.ToLowerInvariant()}");

    private static byte[] PartBinding(string uploadId, int index) =>
        System.Text.Encoding.UTF8.GetBytes($"communityai/upload-part\n{uploadId}\n{index}");
}
