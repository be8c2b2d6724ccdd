using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace ServiceDefaults.IntegrationTests.Database;

/// <summary>
/// A fresh database prepared by the real set-up as its owner, and each role's login to it, as a service would start:
/// its own store, its schema applied under its own role.
/// </summary>
public sealed class RoleDatabase : IAsyncLifetime
{
    public const string Password = "communityai-test-role";

    public string Owner { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Owner = await PostgresServer.CreateDatabaseAsync("roles");
        var passwords = ServiceRoles.All.Select(r => r.Role).Append(ServiceRoles.Audit).ToDictionary(r => r, _ => Password);
        await DatabaseSetup.ApplyAsync(Owner, passwords);
    }

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(Owner);

    public string LoginOf(string role) =>
        new NpgsqlConnectionStringBuilder(DatabaseSetup.ConnectionStringFor(Owner, role, Password)) { Pooling = false }.ConnectionString;

    /// <summary>The store a service opens at start, with its schema applied (Marten's CreateOrUpdate) under its role.</summary>
    public async Task<DocumentStore> StartStoreAsync(ServiceRole role)
    {
        var store = DocumentStore.For(options =>
        {
            options.Connection(LoginOf(role.Role));
            HistoryStoreExtensions.ConfigureHistory(options, role.Schemas[0]);
            options.Events.AddEventType<ProbeRecorded>();
            options.Schema.For<ProbeView>();
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }

    public async Task<long> OwnerCountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="sql"/> as <paramref name="role"/> and returns the database's refusal (or null).</summary>
    public async Task<PostgresException?> TryAsAsync(string role, string sql)
    {
        await using var connection = new NpgsqlConnection(LoginOf(role));
        await connection.OpenAsync();
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
            return null;
        }
        catch (PostgresException e)
        {
            return e;
        }
    }
}

public sealed record ProbeRecorded(string Note);

public sealed class ProbeView
{
    public string Id { get; set; } = "";
    public string Note { get; set; } = "";
}
