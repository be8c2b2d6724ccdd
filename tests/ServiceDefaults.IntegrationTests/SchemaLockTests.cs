using System.Diagnostics;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// Services apply their schema changes at start under one advisory lock. A service that finds it taken (by another
/// service or replica migrating) waits for it instead of exiting: Marten's default gives up after ten seconds, which
/// six services starting together on a busy machine exceeded.
/// </summary>
public sealed class SchemaLockTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("schemalock");

    public async Task DisposeAsync() => await PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task A_service_waits_for_the_schema_lock_longer_than_martens_ten_seconds_and_then_starts()
    {
        var holder = await HoldAsync(LockOf("waitsvc"));
        var starting = StartAsync("waitsvc", TimeSpan.FromSeconds(60));

        await Task.Delay(TimeSpan.FromSeconds(12));
        Assert.False(starting.IsCompleted); // still waiting for the lock, not failed
        await holder.DisposeAsync();         // the other service's migration ends

        using var host = await starting;     // and this one starts against the schema
        await using var check = NpgsqlDataSource.Create(_database);
        await using var command = check.CreateCommand("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'waitsvc'");
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }

    private static int LockOf(string schema)
    {
        var options = new StoreOptions();
        HistoryStoreExtensions.ConfigureHistory(options, schema);
        return options.ApplyChangesLockId;
    }

    private async Task<NpgsqlConnection> HoldAsync(int lockId)
    {
        // Not pooled: a pooled connection keeps its session's advisory locks after it is closed, until it is used again.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({lockId})", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private async Task<IHost> StartAsync(string schema, TimeSpan timeout)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMarten(options =>
        {
            options.Connection(_database);
            HistoryStoreExtensions.ConfigureHistory(options, schema);
            options.RegisterDocumentType<SchemaProbe>();
        }).ApplyAllDatabaseChangesOnStartup();
        var host = builder.Build();
        using var cancel = new CancellationTokenSource(timeout);
        await host.StartAsync(cancel.Token);
        return host;
    }

    public sealed record SchemaProbe(string Id);
}
