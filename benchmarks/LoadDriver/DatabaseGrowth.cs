using Npgsql;

namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>The history server's write-ahead log position and the size of every database on it, at one moment.</summary>
public sealed record DatabaseMark(DateTimeOffset At, long WalBytes, long DatabaseBytes);

/// <summary>
/// What the run wrote on the one PostgreSQL primary: write-ahead log (what a streaming replica receives and what the
/// disk absorbs) and stored bytes, per accepted contribution. These, with the CPU split, are the figures the README's
/// "past one primary" section reasons from; the driver only reads server functions, so it changes nothing it measures.
/// </summary>
public static class DatabaseGrowth
{
    public static async Task<DatabaseMark> MarkAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, (SELECT sum(pg_database_size(datname))::bigint FROM pg_database)",
            connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new DatabaseMark(DateTimeOffset.UtcNow, reader.GetInt64(0), reader.GetInt64(1));
    }
}
