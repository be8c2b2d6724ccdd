using Xunit;

using Npgsql;

namespace CommunityAI.Testing;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb into a temporary folder), so a fault test can stop and
/// restart it without disturbing any other test. Uses the installed server binaries.
/// </summary>
public sealed class PrivatePostgres : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "communityai-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _port = FreePort.Next();
    private string _bin = "";

    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=communityai;Pooling=true;Timeout=5;Command Timeout=30";

    public async Task InitializeAsync()
    {
        _bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Order().Last();
        Directory.CreateDirectory(_dataDir);
        if (Environment.UserName == "root")
            await ProcessRunner.RunAsync("chown", ["postgres:postgres", _dataDir]);
        var (initdb, prefix) = ProcessRunner.AsPostgresUser(Path.Combine(_bin, "initdb"));
        await ProcessRunner.RunAsync(initdb, [.. prefix, "-D", _dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        await StartAsync();
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres");
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand("CREATE DATABASE communityai", connection);
        await create.ExecuteNonQueryAsync();
    }

    public async Task StartAsync()
    {
        var (pgCtl, prefix) = ProcessRunner.AsPostgresUser(Path.Combine(_bin, "pg_ctl"));
        // pg_ctl waits 60 s by default; a start at a load of 30 on two cores can take longer (as a private RabbitMQ did).
        await ProcessRunner.RunAsync(pgCtl, [.. prefix, "-D", _dataDir, "-w", "-t", "170", "-l", Path.Combine(_dataDir, "server.log"),
            "-o", $"-p {_port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300", "start"], timeout: TimeSpan.FromMinutes(3));
    }

    /// <summary>Immediate mode: like a crash, open transactions are lost and clients see broken connections.</summary>
    public async Task StopAsync()
    {
        var (pgCtl, prefix) = ProcessRunner.AsPostgresUser(Path.Combine(_bin, "pg_ctl"));
        await ProcessRunner.RunAsync(pgCtl, [.. prefix, "-D", _dataDir, "-m", "immediate", "-w", "stop"]);
        NpgsqlConnection.ClearAllPools();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // already stopped by the test
        }
        Directory.Delete(_dataDir, recursive: true);
    }
}
