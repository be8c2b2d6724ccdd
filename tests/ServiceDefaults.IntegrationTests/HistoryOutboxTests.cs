using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// The outbox on the real PostgreSQL and RabbitMQ: it reads every stream's events (others' without their data) and
/// stores its checkpoint only with a batch that held its own, so other services' traffic costs it no commits; its own
/// event is published once, and the stored checkpoint then covers everything read before it.
/// </summary>
public sealed class HistoryOutboxTests : IAsyncLifetime
{
    private string _database = "";
    private string _broker = "";
    private IHost _host = null!;
    private BrokerTap _tap = null!;
    private string _queue = "";

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("outbox");
        _broker = await RabbitServer.CreateVirtualHostAsync("outbox");
        _tap = await BrokerTap.ConnectAsync(_broker);
        _queue = await _tap.SubscribeAsync(nameof(AssignmentSeedRevealed));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:history"] = _database;
        builder.Configuration["ConnectionStrings:rabbitmq"] = _broker;
        builder.AddHistoryStore("outboxprobe");
        builder.AddCommunityBus("outbox-probe");
        builder.AddHistoryOutbox("probe", "probe/", routes => routes.Publish<AssignmentSeedRevealed>());
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stop.Token);
        _host.Dispose();
        await _tap.DisposeAsync();
        await RabbitServer.DeleteVirtualHostAsync(_broker);
        await PostgresServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task Other_services_events_store_no_checkpoint_and_its_own_event_stores_one_past_them()
    {
        var store = _host.Services.GetRequiredService<IDocumentStore>();
        await AppendAsync(store, "other/1", 1);
        await AppendAsync(store, "other/2", 2);

        // These commits woke the outbox (same process), and its longest wait is a second: it has read them by now.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Null(await StoredCheckpointAsync(store));
        Assert.Equal(0u, await _tap.CountAsync(_queue));

        var own = await AppendAsync(store, "probe/1", 3);

        var published = await Eventually.MatchesAsync(() => _tap.TakeWaitingAsync(_queue), m => m.Count > 0, "the outbox's own event published", TimeSpan.FromSeconds(30));
        Assert.Equal(3, Assert.Single(published).Body.GetProperty("message").GetProperty("round").GetInt64());
        Assert.Equal(own, await Eventually.MatchesAsync(async () => await StoredCheckpointAsync(store), s => s == own, "the checkpoint stored", TimeSpan.FromSeconds(30)));
    }

    private static async Task<long> AppendAsync(IDocumentStore store, string stream, long round)
    {
        await using var session = store.LightweightSession();
        session.Events.StartStream(stream, new AssignmentSeedRevealed(round, "00", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
        await using var query = store.QuerySession();
        return (await query.Events.FetchStreamAsync(stream)).Single().Sequence;
    }

    private static async Task<long?> StoredCheckpointAsync(IDocumentStore store)
    {
        await using var query = store.QuerySession();
        return (await query.LoadAsync<OutboxCheckpoint>("probe"))?.Sequence;
    }
}
