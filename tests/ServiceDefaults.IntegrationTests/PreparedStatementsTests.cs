using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// Every service's history store prepares the statements it repeats, so PostgreSQL parses and plans them once per
/// connection instead of at every execution (a tenth to a third of PostgreSQL's CPU in the benchmarks). An operator can
/// turn it off in the connection string, for a pooler that cannot keep prepared statements.
/// </summary>
public sealed class PreparedStatementsTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("prepared");

    public async Task DisposeAsync() => await PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task A_statement_the_store_repeats_is_prepared_on_its_connection()
    {
        Assert.NotEqual(0, await PreparedAfterRepeatsAsync(_database));
    }

    [Fact]
    public async Task Max_Auto_Prepare_0_in_the_connection_string_prepares_nothing()
    {
        Assert.Equal(0, await PreparedAfterRepeatsAsync(_database + ";Max Auto Prepare=0"));
    }

    public sealed record Note(string Id, int Value);

    /// <summary>
    /// Loads one document ten times through the store on a pool of one connection, then counts the statements that
    /// connection's session holds prepared that read the document's table.
    /// </summary>
    private static async Task<long> PreparedAfterRepeatsAsync(string connectionString)
    {
        using var host = await HistoryHost.StartAsync(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 1 }.ConnectionString,
            "prepared", options => options.Schema.For<Note>());
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Store(new Note("a", 1));
            await session.SaveChangesAsync();
        }
        for (var i = 0; i < 10; i++)
        {
            await using var query = store.QuerySession();
            Assert.Equal(1, (await query.LoadAsync<Note>("a"))!.Value);
        }

        await using var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%mt_doc_preparedstatementstests_note%'", connection);
        var prepared = (long)(await command.ExecuteScalarAsync())!;
        await host.StopAsync();
        return prepared;
    }
}
