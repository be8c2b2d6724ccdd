using CommunityAI.Contracts;
using CommunityAI.Formats.Log;
using Npgsql;
using NpgsqlTypes;

namespace CommunityAI.ChainBridge.Log;

/// <summary>Reads and appends the log's tables. Appends are one transaction: entries, new nodes and the head.</summary>
public sealed class LogStore(NpgsqlDataSource dataSource)
{
    private const string S = LogSchema.Schema;

    private const string HeadSql = $"SELECT tree_size, root_hash, last_seq FROM {S}.log_head WHERE id = 1";

    // Leaves come from the entries, the subtrees above them from the nodes (see AppendAsync).
    private const string NodesSql = $"""
        SELECT n.level, n.node_index, n.hash
        FROM {S}.log_nodes n
        JOIN unnest(@levels, @indexes) AS wanted(level, node_index) USING (level, node_index)
        UNION ALL
        SELECT 0, e.log_index, e.leaf_hash FROM {S}.log_entries e WHERE e.log_index = ANY(@leaves)
        """;

    public async Task<LogHead> ReadHeadAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(HeadSql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await ReadHeadAsync(reader, ct);
    }

    /// <summary>
    /// The head and the given nodes in one round trip, for proofs whose sizes the request names: the nodes are read
    /// after the head, so every node of a tree size up to the head's is there.
    /// </summary>
    public async Task<(LogHead Head, Dictionary<NodeId, byte[]> Nodes)> ReadHeadAndNodesAsync(IReadOnlyCollection<NodeId> ids, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(HeadSql));
        batch.BatchCommands.Add(NodesCommand(ids));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var head = await ReadHeadAsync(reader, ct);
        await reader.NextResultAsync(ct);
        return (head, await ReadNodesAsync(reader, ids.Count, ct));
    }

    /// <summary>Appends entries and nodes, moving the head from <paramref name="previous"/> (fails if someone else moved it).</summary>
    public async Task AppendAsync(LogHead previous, LogHead next, IReadOnlyList<LogEntry> entries, IReadOnlyList<LogNode> nodes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        // The rows are written with the importer's synchronous calls: each only copies into Npgsql's write buffer until it
        // fills (8 KiB, then a write to the socket), and the asynchronous ones cost a state machine per column, four per
        // entry; the writer appended 13% more leaves a second so (docs/performance.md, "The log writer's store").
        if (entries.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync(
                $"COPY {S}.log_entries (log_index, seq_id, leaf_hash, entry) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var entry in entries)
            {
                copy.StartRow();
                copy.Write(entry.Index, NpgsqlDbType.Bigint);
                copy.Write(entry.Sequence, NpgsqlDbType.Bigint);
                copy.Write(entry.LeafHash, NpgsqlDbType.Bytea);
                copy.Write(entry.Entry, NpgsqlDbType.Bytea);
            }
            await copy.CompleteAsync(ct);
        }

        // Leaves are not copied into log_nodes: their hashes are the entries' leaf_hash already, and writing each twice
        // was a third of the rows per leaf. Logs written before keep their level-0 rows, which nothing reads any more.
        if (nodes.Any(n => n.Id.Level > 0))
        {
            await using var copy = await connection.BeginBinaryImportAsync(
                $"COPY {S}.log_nodes (level, node_index, hash) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var node in nodes)
            {
                if (node.Id.Level == 0)
                    continue;
                copy.StartRow();
                copy.Write(node.Id.Level, NpgsqlDbType.Integer);
                copy.Write(node.Id.Index, NpgsqlDbType.Bigint);
                copy.Write(node.Hash, NpgsqlDbType.Bytea);
            }
            await copy.CompleteAsync(ct);
        }

        await using (var head = new NpgsqlCommand($"""
            INSERT INTO {S}.log_head (id, tree_size, last_seq, root_hash) VALUES (1, @size, @seq, @root)
            ON CONFLICT (id) DO UPDATE SET tree_size = @size, last_seq = @seq, root_hash = @root
            WHERE {S}.log_head.tree_size = @previous
            """, connection, transaction))
        {
            head.Parameters.AddWithValue("size", next.TreeSize);
            head.Parameters.AddWithValue("seq", next.LastSequence);
            head.Parameters.AddWithValue("root", next.RootHash);
            head.Parameters.AddWithValue("previous", previous.TreeSize);
            if (await head.ExecuteNonQueryAsync(ct) != 1)
                throw new InvalidOperationException($"log head moved away from size {previous.TreeSize}: another writer is active");
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>Fetches the given perfect-subtree nodes in one query: leaves from the entries, the others from the nodes.</summary>
    public async Task<Dictionary<NodeId, byte[]>> ReadNodesAsync(IReadOnlyCollection<NodeId> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
            return [];
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(NodesCommand(ids));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await ReadNodesAsync(reader, ids.Count, ct);
    }

    private static NpgsqlBatchCommand NodesCommand(IReadOnlyCollection<NodeId> ids)
    {
        var command = new NpgsqlBatchCommand(NodesSql);
        command.Parameters.AddWithValue("levels", ids.Where(i => i.Level > 0).Select(i => i.Level).ToArray());
        command.Parameters.AddWithValue("indexes", ids.Where(i => i.Level > 0).Select(i => i.Index).ToArray());
        command.Parameters.AddWithValue("leaves", ids.Where(i => i.Level == 0).Select(i => i.Index).ToArray());
        return command;
    }

    private static async Task<LogHead> ReadHeadAsync(NpgsqlDataReader reader, CancellationToken ct) =>
        await reader.ReadAsync(ct)
            ? new LogHead(reader.GetInt64(0), (byte[])reader[1], reader.GetInt64(2))
            : new LogHead(0, LogHasher.EmptyRoot.ToArray(), 0);

    private static async Task<Dictionary<NodeId, byte[]>> ReadNodesAsync(NpgsqlDataReader reader, int count, CancellationToken ct)
    {
        var found = new Dictionary<NodeId, byte[]>(count);
        while (await reader.ReadAsync(ct))
            found[new NodeId(reader.GetInt32(0), reader.GetInt64(1))] = (byte[])reader[2];
        return found;
    }

    /// <summary>Whether any entry from index <paramref name="start"/> on comes from a stream other than <paramref name="streamKey"/>.</summary>
    public async Task<bool> HasEntriesOutsideStreamAsync(long start, string streamKey, CancellationToken ct)
    {
        // Reads the stream from the entry itself (the canonical envelope), so the answer is the log's own.
        await using var command = dataSource.CreateCommand($"""
            SELECT EXISTS (SELECT 1 FROM {S}.log_entries
                           WHERE log_index >= @start AND convert_from(entry, 'UTF8')::jsonb->>'stream' <> @stream)
            """);
        command.Parameters.AddWithValue("start", start);
        command.Parameters.AddWithValue("stream", streamKey);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>How far the bus has been told of the log (the first index not yet noticed).</summary>
    public async Task<long> ReadNoticedThroughAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT published_through FROM {S}.log_notices WHERE id = 1");
        return await command.ExecuteScalarAsync(ct) is long through ? through : 0;
    }

    public async Task SaveNoticedThroughAsync(long through, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {S}.log_notices (id, published_through) VALUES (1, @through)
            ON CONFLICT (id) DO UPDATE SET published_through = @through
            """);
        command.Parameters.AddWithValue("through", through);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Up to <paramref name="count"/> entries from <paramref name="start"/>, as the bus notice names them: index,
    /// store sequence, stream and type, read from the canonical entry itself. The writer commits whole batches of
    /// dense indexes, so what this sees has no holes.
    /// </summary>
    public async Task<IReadOnlyList<LoggedEntry>> ReadNoticesAsync(long start, int count, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT log_index, seq_id, e->>'stream', e->>'type'
            FROM (SELECT log_index, seq_id, convert_from(entry, 'UTF8')::jsonb AS e FROM {S}.log_entries
                  WHERE log_index >= @start ORDER BY log_index LIMIT @count) AS entries
            ORDER BY log_index
            """);
        command.Parameters.AddWithValue("start", start);
        command.Parameters.AddWithValue("count", count);
        var entries = new List<LoggedEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            entries.Add(new LoggedEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
        return entries;
    }

    public async Task<IReadOnlyList<LogEntry>> ReadEntriesAsync(long start, long end, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT log_index, seq_id, entry, leaf_hash FROM {S}.log_entries
            WHERE log_index >= @start AND log_index < @end ORDER BY log_index
            """);
        command.Parameters.AddWithValue("start", start);
        command.Parameters.AddWithValue("end", end);
        var entries = new List<LogEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            entries.Add(new LogEntry(reader.GetInt64(0), reader.GetInt64(1), (byte[])reader[2], (byte[])reader[3]));
        return entries;
    }
}
