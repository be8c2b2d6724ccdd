using Marten;
using Npgsql;
using NpgsqlTypes;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// A decision's advisory locks and the reads it depends on, sent in one round trip inside the session's transaction.
/// PostgreSQL runs a batch's statements one after another and, at read committed, takes each statement's snapshot when
/// that statement starts: reads queued after <see cref="Lock(IEnumerable{string})"/> see everything committed by whoever held the locks
/// before, exactly as if they had been sent after the lock came back. Results are available once
/// <see cref="ExecuteAsync"/> has returned.
/// </summary>
internal sealed class LockedRead(IDocumentSession session)
{
    private readonly NpgsqlBatch _batch = new(session.Connection ?? throw new InvalidOperationException("begin the session's transaction first"));
    private readonly List<Func<NpgsqlDataReader, CancellationToken, Task>> _readers = [];
    private readonly ISerializer _serializer = session.DocumentStore.Options.Serializer();

    /// <summary>Takes the locks (see <see cref="ScoringLocks.TakeAsync"/> for the order); queue it before the reads it guards.</summary>
    public LockedRead Lock(IEnumerable<string> keys)
    {
        if (ScoringLocks.Command(keys) is { } command)
            Add(command, static (_, _) => Task.FromResult(0));
        return this;
    }

    /// <summary>As <see cref="Lock(IEnumerable{string})"/>, with some locks shared.</summary>
    public LockedRead Lock(IEnumerable<CommunityAI.ServiceDefaults.Background.TransactionLock> locks)
    {
        if (ScoringLocks.Command(locks) is { } command)
            Add(command, static (_, _) => Task.FromResult(0));
        return this;
    }

    /// <summary>A document by id, as <see cref="IQuerySession.LoadAsync{T}(string, CancellationToken)"/> would load it.</summary>
    public Task<T?> Load<T>(string id) where T : class
    {
        var command = new NpgsqlBatchCommand($"SELECT data FROM {Table<T>()} WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return Add(command, async (reader, ct) =>
            await reader.ReadAsync(ct) ? await _serializer.FromJsonAsync<T>(reader, 0, ct) : null);
    }

    /// <summary>The documents of these ids that exist, in no particular order.</summary>
    public Task<IReadOnlyList<T>> LoadMany<T>(IEnumerable<string> ids) where T : class
    {
        var command = new NpgsqlBatchCommand($"SELECT data FROM {Table<T>()} WHERE id = ANY(@ids)");
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids.ToArray() });
        return Add<IReadOnlyList<T>>(command, async (reader, ct) =>
        {
            var documents = new List<T>();
            while (await reader.ReadAsync(ct))
                documents.Add(await _serializer.FromJsonAsync<T>(reader, 0, ct));
            return documents;
        });
    }

    /// <summary>The documents whose duplicated field <paramref name="column"/> (Marten's column name) equals <paramref name="value"/>.</summary>
    public Task<IReadOnlyList<T>> LoadWhere<T>(string column, string value) where T : class
    {
        var command = new NpgsqlBatchCommand($"SELECT data FROM {Table<T>()} WHERE {column} = @value");
        command.Parameters.AddWithValue("value", value);
        return Add<IReadOnlyList<T>>(command, async (reader, ct) =>
        {
            var documents = new List<T>();
            while (await reader.ReadAsync(ct))
                documents.Add(await _serializer.FromJsonAsync<T>(reader, 0, ct));
            return documents;
        });
    }

    /// <summary>Whether a document with this id exists, without reading it.</summary>
    public Task<bool> Exists<T>(string id) where T : class
    {
        var command = new NpgsqlBatchCommand($"SELECT EXISTS (SELECT 1 FROM {Table<T>()} WHERE id = @id)");
        command.Parameters.AddWithValue("id", id);
        return Add(command, async (reader, ct) => await reader.ReadAsync(ct) && reader.GetBoolean(0));
    }

    /// <summary>Any other statement, read by <paramref name="read"/> from its own result set.</summary>
    public Task<TResult> Query<TResult>(NpgsqlBatchCommand command, Func<NpgsqlDataReader, CancellationToken, Task<TResult>> read) =>
        Add(command, read);

    public async Task ExecuteAsync(CancellationToken ct)
    {
        await using (_batch)
        {
            await using var reader = await _batch.ExecuteReaderAsync(ct);
            for (var i = 0; i < _readers.Count; i++)
            {
                if (i > 0 && !await reader.NextResultAsync(ct))
                    throw new InvalidOperationException($"the batch returned {i} result sets for {_readers.Count} statements");
                await _readers[i](reader, ct);
            }
        }
    }

    /// <summary>The document's table as Marten names it.</summary>
    public string Table<T>() where T : class => session.DocumentStore.Options.Schema.For<T>();

    private Task<TResult> Add<TResult>(NpgsqlBatchCommand command, Func<NpgsqlDataReader, CancellationToken, Task<TResult>> read)
    {
        _batch.BatchCommands.Add(command);
        var result = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _readers.Add(async (reader, ct) => result.SetResult(await read(reader, ct)));
        return result.Task;
    }
}
