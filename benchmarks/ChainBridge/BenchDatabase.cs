using Npgsql;

namespace CommunityAI.Benchmarks.ChainBridge;

/// <summary>A database of the run's own on the given server, dropped afterwards.</summary>
internal sealed class BenchDatabase(string server, string name) : IAsyncDisposable
{
    public string ConnectionString => new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 16 }.ConnectionString;

    public static async Task<BenchDatabase> CreateAsync(string server)
    {
        var name = "bench_log_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new BenchDatabase(server, name);
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
