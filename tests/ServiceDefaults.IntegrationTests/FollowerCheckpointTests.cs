using CommunityAI.ServiceDefaults.History;
using Marten;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// The one follower checkpoint against the real PostgreSQL: a follower's checkpoint kept by the previous release in a
/// document type of its own is carried over once, never over a newer one, and replicas loading it at once store it once.
/// </summary>
public sealed class FollowerCheckpointTests : IAsyncLifetime
{
    private const string Schema = "probe";
    private string _database = "";
    private DocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("checkpoint");
        _store = DocumentStore.For(options =>
        {
            HistoryStoreExtensions.ConfigureHistory(options, Schema);
            options.Connection(_database);
            options.Schema.For<FollowerCheckpoint>();
            options.Schema.For<ProbeFeedCheckpoint>();
        });
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await PostgresServer.DropDatabaseAsync(_database);
    }

    private Task<long> LoadAsync(string key) => FollowerCheckpoint.LoadAsync(_store, key, "mt_doc_probefeedcheckpoint", CancellationToken.None);

    private async Task StoreAsync(object document)
    {
        await using var session = _store.LightweightSession();
        session.Store(document);
        await session.SaveChangesAsync();
    }

    private async Task<FollowerCheckpoint?> SavedAsync(string key)
    {
        await using var query = _store.QuerySession();
        return await query.LoadAsync<FollowerCheckpoint>(key);
    }

    [Fact]
    public async Task A_follower_without_either_document_starts_at_zero_and_stores_nothing()
    {
        Assert.Equal(0, await LoadAsync("fresh"));
        Assert.Equal(0, await FollowerCheckpoint.LoadAsync(_store, "fresh", "mt_doc_nosuchtable", CancellationToken.None));
        Assert.Equal(0, await FollowerCheckpoint.LoadAsync(_store, "fresh", legacyTable: null, CancellationToken.None));
        Assert.Null(await SavedAsync("fresh"));
    }

    [Fact]
    public async Task The_previous_releases_checkpoint_is_carried_over_once_and_then_the_shared_one_counts()
    {
        await StoreAsync(new ProbeFeedCheckpoint("carried", 41));

        Assert.Equal(41, await LoadAsync("carried"));
        Assert.Equal(new FollowerCheckpoint("carried", 41), await SavedAsync("carried"));
        // An old replica still running (a rolling upgrade) moves its own document on: the shared one is not overwritten.
        await StoreAsync(new ProbeFeedCheckpoint("carried", 60));
        await StoreAsync(new FollowerCheckpoint("carried", 50));
        Assert.Equal(50, await LoadAsync("carried"));
    }

    [Fact]
    public async Task A_shared_checkpoint_already_saved_wins_over_an_older_document_of_the_previous_release()
    {
        await StoreAsync(new ProbeFeedCheckpoint("newer", 7));
        await StoreAsync(new FollowerCheckpoint("newer", 90));

        Assert.Equal(90, await LoadAsync("newer"));
        Assert.Equal(90, (await SavedAsync("newer"))!.Sequence);
    }

    [Fact]
    public async Task Replicas_loading_at_once_all_continue_from_the_carried_sequence_and_store_it_once()
    {
        await StoreAsync(new ProbeFeedCheckpoint("raced", 123));

        var loads = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => LoadAsync("raced"))));

        Assert.All(loads, l => Assert.Equal(123, l));
        await using var query = _store.QuerySession();
        Assert.Equal(1, await query.Query<FollowerCheckpoint>().CountAsync(c => c.Id == "raced"));
    }

    [Fact]
    public async Task A_checkpoint_saved_on_its_own_never_moves_back_even_when_replicas_save_at_once()
    {
        Assert.True(await FollowerCheckpoint.SaveAsync(_store, "saved", 10, CancellationToken.None));
        // A replica that lost its lease finishing an older batch.
        Assert.False(await FollowerCheckpoint.SaveAsync(_store, "saved", 7, CancellationToken.None));
        Assert.False(await FollowerCheckpoint.SaveAsync(_store, "saved", 10, CancellationToken.None));

        await Task.WhenAll(new long[] { 14, 30, 12, 25, 11 }.Select(s => Task.Run(() => FollowerCheckpoint.SaveAsync(_store, "saved", s, CancellationToken.None))));

        Assert.Equal(30, (await SavedAsync("saved"))!.Sequence);
    }

    [Theory]
    [InlineData(null, 1, true)]
    [InlineData(5L, 6, true)]
    [InlineData(5L, 5, false)]
    [InlineData(5L, 4, false)]
    public void A_checkpoint_only_moves_forward(long? stored, long sequence, bool advances) =>
        Assert.Equal(advances, FollowerCheckpoint.Advances(stored is null ? null : new FollowerCheckpoint("k", stored.Value), sequence));
}

/// <summary>
/// A follower's checkpoint as the previous release kept it: same shape, its own type, so its own table (top-level: Marten
/// names a nested type's table after its class too).
/// </summary>
internal sealed record ProbeFeedCheckpoint(string Id, long Sequence);
