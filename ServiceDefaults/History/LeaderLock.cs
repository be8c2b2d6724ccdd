using Npgsql;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// One active instance per job across replicas: a PostgreSQL session advisory lock held on a dedicated
/// connection. If the connection dies, PostgreSQL releases the lock and another replica takes over.
/// </summary>
public sealed class LeaderLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private LeaderLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Tries once; returns null when another instance holds the lock.</summary>
    public static async Task<LeaderLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@name, 0))", connection);
        command.Parameters.AddWithValue("name", "communityai:" + name);
        if ((bool)(await command.ExecuteScalarAsync(ct))!)
            return new LeaderLock(connection);
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Checks the lock's connection still answers; a lost connection means a lost lock.</summary>
    public async Task<bool> IsHeldAsync(CancellationToken ct)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT 1", _connection);
            await command.ExecuteScalarAsync(ct);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
