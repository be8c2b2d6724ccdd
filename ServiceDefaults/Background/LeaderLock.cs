using Npgsql;

namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// One active instance per job across replicas: a session advisory lock (<see cref="AdvisoryLock"/>) held on a
/// connection of its own. If that connection dies, PostgreSQL releases the lock and another replica takes over.
/// </summary>
public sealed class LeaderLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _name;

    private LeaderLock(NpgsqlConnection connection, string name)
    {
        _connection = connection;
        _name = name;
    }

    /// <summary>The lock's name, without <see cref="AdvisoryLock.Prefix"/>.</summary>
    public string Name => _name;

    /// <summary>Tries once; returns null when another instance holds the lock.</summary>
    public static async Task<LeaderLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            if (await AdvisoryLock.TryTakeSessionAsync(connection, name, ct))
                return new LeaderLock(connection, name);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
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

    /// <summary>
    /// Releases the lock before the connection goes back to the pool: Npgsql resets a pooled connection only when it
    /// is next used, and until then an idle connection would keep every other replica from taking over.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_connection.FullState == System.Data.ConnectionState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await AdvisoryLock.ReleaseSessionAsync(_connection, _name, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // The connection is broken: PostgreSQL released the lock with the session, and the pool drops the connection.
        }
        await _connection.DisposeAsync();
    }
}
