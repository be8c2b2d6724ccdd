using System.Runtime.CompilerServices;
using Npgsql;

namespace CommunityAI.Audit.History;

/// <summary>
/// Reads the history straight from PostgreSQL, with plain SQL over the documented tables: <c>history.mt_events</c>
/// and, when present, the chain-bridge's own copy of the log (<c>chainbridge.log_entries</c>).
/// </summary>
internal sealed class DatabaseHistory(string connectionString)
{
    private const string EventsSql = """
        SELECT seq_id, id, stream_id, version, type, timestamp, data::text
        FROM history.mt_events ORDER BY seq_id
        """;

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM history.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Every event in sequence order; log index = position in this enumeration.</summary>
    public async IAsyncEnumerable<HistoryRow> ReadEventsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // One snapshot for the whole read, so a history that grows meanwhile is read as of one instant.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using var command = new NpgsqlCommand(EventsSql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new HistoryRow(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6));
        }
    }

    /// <summary>True when the chain-bridge's log tables live in this database.</summary>
    public async Task<bool> HasStoredLogAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT to_regclass('chainbridge.log_entries') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The chain-bridge's stored entries in index order: (index, seq, leaf hash, entry bytes).</summary>
    public async IAsyncEnumerable<StoredLogEntry> ReadStoredLogAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT log_index, seq_id, leaf_hash, entry FROM chainbridge.log_entries ORDER BY log_index", connection);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
            yield return new StoredLogEntry(reader.GetInt64(0), reader.GetInt64(1), (byte[])reader[2], (byte[])reader[3]);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}

/// <summary>One row of the chain-bridge's <c>chainbridge.log_entries</c>.</summary>
internal sealed record StoredLogEntry(long Index, long Sequence, byte[] LeafHash, byte[] Entry);
