using Npgsql;

namespace CommunityAI.Benchmarks;

/// <summary>
/// A database of the run's own on the given server, dropped afterwards. Compiled into the benchmarks that take a
/// server connection string rather than the test fixtures' shared servers.
/// </summary>
internal sealed class BenchDatabase(string server, string name, int maxPoolSize) : IAsyncDisposable
{
    public string ConnectionString => new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = maxPoolSize }.ConnectionString;

    /// <param name="server">Connection string of the server (any database).</param>
    /// <param name="prefix">Start of the database's name, saying which benchmark made it.</param>
    /// <param name="maxPoolSize">Connections the benchmark may hold at once.</param>
    public static async Task<BenchDatabase> CreateAsync(string server, string prefix, int maxPoolSize)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new BenchDatabase(server, name, maxPoolSize);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
