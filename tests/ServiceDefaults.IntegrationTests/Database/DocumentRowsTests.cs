using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Marten.Schema;
using Npgsql;

namespace ServiceDefaults.IntegrationTests.Database;

/// <summary>
/// Many documents written as one statement, against the real PostgreSQL: the rows read back through Marten as the rows
/// Marten writes itself, they commit with the session's other work or not at all, and what one statement cannot write
/// faithfully is refused before anything is queued.
/// </summary>
public sealed class DocumentRowsTests : IAsyncLifetime
{
    private const string Schema = "rows";
    private string _database = "";
    private DocumentStore _store = null!;

    public sealed record Probe(string Id, string Name, long? Count, IReadOnlyList<string> Tags);

    public sealed record Versioned(string Id, string Name);

    /// <summary>Configured nowhere: Marten creates its table on its first write.</summary>
    public sealed record Unlisted(string Id, int Value);

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("docrows");
        _store = DocumentStore.For(options =>
        {
            HistoryStoreExtensions.ConfigureHistory(options, Schema);
            options.Connection(_database);
            options.Schema.For<Probe>().Index(p => p.Count);
            options.Schema.For<Versioned>().UseOptimisticConcurrency(true);
        });
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await PostgresServer.DropDatabaseAsync(_database);
    }

    private string ProbeTable => ((DocumentMapping)((IReadOnlyStoreOptions)_store.Options).FindOrResolveDocumentType(typeof(Probe))).TableName.QualifiedName;

    private static Probe[] Probes(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Probe($"{prefix}-{i}", $"näme \"{i}\" ✓", i % 3 == 0 ? null : i, [$"t{i}", "x"]))];

    private async Task<IReadOnlyList<Probe>> LoadAsync(params string[] ids)
    {
        await using var query = _store.QuerySession();
        return await query.LoadManyAsync<Probe>(ids);
    }

    private async Task<(string? DotNetType, Guid Version, DateTimeOffset Modified)> ColumnsAsync(string id)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT mt_dotnet_type, mt_version, mt_last_modified FROM {ProbeTable} WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no row for {id}");
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2));
    }

    [Fact]
    public async Task Inserted_rows_read_back_through_Marten_as_Martens_own_rows_do()
    {
        var written = Probes("bulk", 300);
        await using (var session = _store.LightweightSession())
        {
            await DocumentRows.InsertAsync(session, written, p => p.Id, CancellationToken.None);
            session.Store(new Probe("marten", "by Marten", 7, ["y"]));
            await session.SaveChangesAsync();
        }

        var read = await LoadAsync([.. written.Select(p => p.Id)]);
        Assert.Equal(written.Select(p => (p.Id, p.Name, p.Count, string.Join(",", p.Tags))),
            read.OrderBy(p => int.Parse(p.Id["bulk-".Length..])).Select(p => (p.Id, p.Name, p.Count, string.Join(",", p.Tags))));
        var ours = await ColumnsAsync("bulk-1");
        var martens = await ColumnsAsync("marten");
        Assert.Equal(martens.DotNetType, ours.DotNetType);
        Assert.Equal(martens.Modified, ours.Modified); // the same transaction's time
        Assert.NotEqual((await ColumnsAsync("bulk-2")).Version, ours.Version);

        // Marten's queries see the rows, its computed index included.
        await using var query = _store.QuerySession();
        Assert.Equal(100, await query.Query<Probe>().CountAsync(p => p.Count == null && p.Id.StartsWith("bulk-")));
        Assert.Equal(2, await query.Query<Probe>().CountAsync(p => p.Count > 296));
    }

    [Fact]
    public async Task Upsert_replaces_whole_what_Marten_stored_and_inserts_the_rest()
    {
        await using (var session = _store.LightweightSession())
        {
            session.Store(new Probe("up-0", "old", 1, ["old"]));
            await session.SaveChangesAsync();
        }
        var before = await ColumnsAsync("up-0");

        await using (var session = _store.LightweightSession())
        {
            await DocumentRows.UpsertAsync(session, [new Probe("up-0", "new", null, []), new Probe("up-1", "fresh", 2, ["a"])], p => p.Id, CancellationToken.None);
            await session.SaveChangesAsync();
        }

        var read = (await LoadAsync("up-0", "up-1")).OrderBy(p => p.Id).ToArray();
        Assert.Equal(("new", (long?)null, 0), (read[0].Name, read[0].Count, read[0].Tags.Count));
        Assert.Equal(("fresh", (long?)2), (read[1].Name, read[1].Count));
        Assert.NotEqual(before.Version, (await ColumnsAsync("up-0")).Version);
    }

    [Fact]
    public async Task An_insert_over_a_stored_id_fails_the_whole_transaction_and_stores_nothing()
    {
        await using (var session = _store.LightweightSession())
        {
            session.Store(new Probe("taken", "first", 1, []));
            await session.SaveChangesAsync();
        }

        await using (var session = _store.LightweightSession())
        {
            session.Events.StartStream("rows/attempt", new ProbeEvent("attempt"));
            session.Store(new Probe("beside", "queued by Marten", 3, []));
            await DocumentRows.InsertAsync(session, [new Probe("fresh", "new", 2, []), new Probe("taken", "second", 2, [])], p => p.Id, CancellationToken.None);
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
            // Answered as Marten's own insert of a stored id is: callers tell "someone stored this first" the one way.
            Assert.True(StoreConflicts.IsDuplicate(refused), refused.ToString());
        }

        Assert.Equal("first", Assert.Single(await LoadAsync("taken", "fresh", "beside")).Name);
        await using var query = _store.QuerySession();
        Assert.Null(await query.Events.FetchStreamStateAsync("rows/attempt"));
    }

    [Fact]
    public async Task A_stored_document_inserted_again_is_told_apart_by_its_type()
    {
        await using (var session = _store.LightweightSession())
        {
            session.Insert(new Probe("kind", "first", 1, []));
            await session.SaveChangesAsync();
        }

        await using (var session = _store.LightweightSession())
        {
            session.Insert(new Versioned("kind-beside", "new"));
            session.Insert(new Probe("kind", "second", 2, []));
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
            // A transaction inserting two kinds answers only the kind whose duplicate it means something for.
            Assert.True(StoreConflicts.IsDuplicate<Probe>(refused), refused.ToString());
            Assert.False(StoreConflicts.IsDuplicate<Versioned>(refused), refused.ToString());
        }
        Assert.Equal("first", Assert.Single(await LoadAsync("kind")).Name);
    }

    [Fact]
    public async Task A_unique_violation_on_a_table_of_our_own_is_not_read_as_a_stored_document()
    {
        await using (var session = _store.LightweightSession())
        {
            session.QueueSqlCommand($"CREATE TABLE {Schema}.own (id text PRIMARY KEY)");
            await session.SaveChangesAsync();
        }
        await using (var session = _store.LightweightSession())
        {
            session.QueueSqlCommand($"INSERT INTO {Schema}.own VALUES ('a'), ('a')");
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
            Assert.False(StoreConflicts.IsDuplicate(refused), refused.ToString());
        }
    }

    [Fact]
    public async Task Repeated_ids_and_documents_with_columns_of_their_own_are_refused_before_anything_is_queued()
    {
        await using (var session = _store.LightweightSession())
        {
            await Assert.ThrowsAsync<ArgumentException>(() => DocumentRows.UpsertAsync(session, [new Probe("twice", "a", 1, []), new Probe("twice", "b", 2, [])], p => p.Id, CancellationToken.None));
            await Assert.ThrowsAsync<NotSupportedException>(() => DocumentRows.InsertAsync(session, [new Versioned("v", "versioned")], v => v.Id, CancellationToken.None));
            session.Store(new Probe("after", "the refusals", 1, []));
            await session.SaveChangesAsync();
        }

        Assert.Equal("after", Assert.Single(await LoadAsync("twice", "after")).Id);
        await using var query = _store.QuerySession();
        Assert.Null(await query.LoadAsync<Versioned>("v"));
    }

    [Fact]
    public async Task The_first_write_of_a_type_creates_its_table_as_Martens_own_first_write_does()
    {
        await using (var session = _store.LightweightSession())
        {
            await DocumentRows.UpsertAsync(session, [new Unlisted("u-1", 1), new Unlisted("u-2", 2)], u => u.Id, CancellationToken.None);
            await session.SaveChangesAsync();
        }

        await using var query = _store.QuerySession();
        Assert.Equal(3, (await query.LoadManyAsync<Unlisted>("u-1", "u-2")).Sum(u => u.Value));
    }

    [Fact]
    public async Task Nothing_to_write_queues_nothing()
    {
        await using var session = _store.LightweightSession();
        await DocumentRows.InsertAsync(session, Array.Empty<Probe>(), p => p.Id, CancellationToken.None);
        Assert.Empty(session.PendingChanges.Operations());
    }

    public sealed record ProbeEvent(string Name);
}
