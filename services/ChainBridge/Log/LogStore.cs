using CommunityAI.Formats.Log;
using Npgsql;
using NpgsqlTypes;

namespace CommunityAI.ChainBridge.Log;

/// <summary>Reads and appends the log's tables. Appends are one transaction: entries, new nodes and the head.</summary>
public sealed class LogStore(NpgsqlDataSource dataSource)
{
    private const string S = LogSchema.Schema;

    public async Task<LogHead> ReadHeadAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT tree_size, root_hash, last_seq FROM {S}.log_head WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new LogHead(reader.GetInt64(0), (byte[])reader[1], reader.GetInt64(2))
            : new LogHead(0, LogHasher.EmptyRoot.ToArray(), 0);
    }

    /// <summary>Appends entries and nodes, moving the head from <paramref name="previous"/> (fails if someone else moved it).</summary>
    public async Task AppendAsync(LogHead previous, LogHead next, IReadOnlyList<LogEntry> entries, IReadOnlyList<LogNode> nodes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        if (entries.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync(
                $"COPY {S}.log_entries (log_index, seq_id, leaf_hash, entry) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var entry in entries)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(entry.Index, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(entry.Sequence, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(entry.LeafHash, NpgsqlDbType.Bytea, ct);
                await copy.WriteAsync(entry.Entry, NpgsqlDbType.Bytea, ct);
            }
            await copy.CompleteAsync(ct);
        }

        if (nodes.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync(
                $"COPY {S}.log_nodes (level, node_index, hash) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var node in nodes)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(node.Id.Level, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(node.Id.Index, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(node.Hash, NpgsqlDbType.Bytea, ct);
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

    /// <summary>Fetches the given perfect-subtree nodes in one query.</summary>
    public async Task<Dictionary<NodeId, byte[]>> ReadNodesAsync(IReadOnlyCollection<NodeId> ids, CancellationToken ct)
    {
        var found = new Dictionary<NodeId, byte[]>(ids.Count);
        if (ids.Count == 0)
            return found;
        await using var command = dataSource.CreateCommand($"""
            SELECT n.level, n.node_index, n.hash
            FROM {S}.log_nodes n
            JOIN unnest(@levels, @indexes) AS wanted(level, node_index) USING (level, node_index)
            """);
        command.Parameters.AddWithValue("levels", ids.Select(i => i.Level).ToArray());
        command.Parameters.AddWithValue("indexes", ids.Select(i => i.Index).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
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
