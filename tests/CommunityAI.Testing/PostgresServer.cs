using Npgsql;
using Testcontainers.PostgreSql;

namespace CommunityAI.Testing;

/// <summary>
/// One PostgreSQL server per test run (a Testcontainers container, or the local server that eng/test.sh
/// started), and a fresh database per test class so classes run in parallel without seeing each other.
/// </summary>
public static class PostgresServer
{
    /// <summary>Local server used when no container runtime answers; override with COMMUNITYAI_TEST_POSTGRES.</summary>
    public const string LocalDefault = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _serverConnectionString;

    public static async Task<string> ServerConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_serverConnectionString is not null)
                return _serverConnectionString;
            if (Environment.GetEnvironmentVariable("COMMUNITYAI_TEST_POSTGRES") is { Length: > 0 } configured)
                return _serverConnectionString = configured;
            if (!ContainerRuntime.IsAvailable)
                return _serverConnectionString = LocalDefault;
            var container = new PostgreSqlBuilder("postgres:15").Build();
            await container.StartAsync();
            return _serverConnectionString = container.GetConnectionString();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Creates an empty database named after the caller and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var server = await ServerConnectionStringAsync();
        var name = $"t_{Sanitize(purpose)}_{Guid.NewGuid():N}"; // at most 55 characters, under PostgreSQL's 63
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true, MaxPoolSize = 40 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await ServerConnectionStringAsync());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static string Sanitize(string purpose) =>
        new string(purpose.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(20).ToArray());
}
