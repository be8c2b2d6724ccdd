using System.Diagnostics;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// The outbox on the real PostgreSQL and RabbitMQ: it reads every stream's events (others' without their data) and
/// stores its checkpoint only with a batch that held its own, so other services' traffic costs it no commits; its own
/// event is published once, and the stored checkpoint then covers everything read before it. While events keep coming
/// it stores the checkpoint once a period, and a restart publishes again what the stored one does not cover.
/// </summary>
public sealed class HistoryOutboxTests : IAsyncLifetime
{
    private string _database = "";
    private string _broker = "";
    private IHost? _host;
    private BrokerTap _tap = null!;
    private string _queue = "";

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("outbox");
        _broker = await RabbitServer.CreateVirtualHostAsync("outbox");
        _tap = await BrokerTap.ConnectAsync(_broker);
        _queue = await _tap.SubscribeAsync(nameof(AssignmentSeedRevealed));
    }

    /// <summary>A service's process with the outbox of its <c>probe/</c> streams.</summary>
    private async Task StartHostAsync(TimeSpan? storeCheckpointEvery = null, CapturedLogs? logs = null)
    {
        _host = await HistoryHost.StartAsync(_database, "outboxprobe", add: builder =>
        {
            if (logs is not null)
                builder.Logging.AddProvider(logs);
            builder.Configuration["ConnectionStrings:rabbitmq"] = _broker;
            builder.ConfigureOpenTelemetry();
            builder.AddCommunityBus("outbox-probe");
            builder.AddHistoryOutbox("probe", "probe/", routes =>
            {
                routes.Publish<AssignmentSeedRevealed>();
                routes.StoreCheckpointEvery = storeCheckpointEvery ?? routes.StoreCheckpointEvery;
            });
        });
    }

    private async Task StopHostAsync()
    {
        if (_host is null)
            return;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stop.Token);
        _host.Dispose();
        _host = null;
    }

    public async Task DisposeAsync()
    {
        await StopHostAsync();
        await _tap.DisposeAsync();
        await RabbitServer.DeleteVirtualHostAsync(_broker);
        await PostgresServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task Other_services_events_store_no_checkpoint_and_its_own_event_stores_one_past_them()
    {
        await StartHostAsync();
        var store = _host!.Services.GetRequiredService<IDocumentStore>();
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

    [Fact]
    public async Task While_events_keep_coming_the_checkpoint_waits_its_period_and_a_restart_publishes_the_rest_again()
    {
        // A period longer than the test: only the first batch of a term stores its checkpoint.
        await StartHostAsync(storeCheckpointEvery: TimeSpan.FromHours(1));
        var store = _host!.Services.GetRequiredService<IDocumentStore>();
        var first = await AppendAsync(store, "probe/1", 1);
        Assert.Equal(first, await Eventually.MatchesAsync(async () => await StoredCheckpointAsync(store), s => s == first, "the first checkpoint stored", TimeSpan.FromSeconds(30)));
        await AppendAsync(store, "probe/2", 2);
        var last = await AppendAsync(store, "probe/3", 3);

        Assert.Equal([1, 2, 3], await PublishedRoundsAsync(3));
        Assert.Equal(first, await StoredCheckpointAsync(store));

        // The next term starts from the stored checkpoint: what it did not cover goes out again, nothing before it.
        await StopHostAsync();
        await StartHostAsync(storeCheckpointEvery: TimeSpan.FromHours(1));
        store = _host!.Services.GetRequiredService<IDocumentStore>();
        Assert.Equal([2, 3], await PublishedRoundsAsync(2));
        Assert.Equal(last, await Eventually.MatchesAsync(async () => await StoredCheckpointAsync(store), s => s == last, "the new term's checkpoint stored", TimeSpan.FromSeconds(30)));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0u, await _tap.CountAsync(_queue));
    }

    [Fact]
    public async Task A_stop_in_the_middle_of_a_batch_lets_the_publishes_begun_finish_and_logs_no_send_fault()
    {
        // A backlog of many streams, so the outbox is publishing hundreds of messages at once when the stop comes.
        const int Streams = 3_000;
        var logs = new CapturedLogs();
        await StartHostAsync(logs: logs);
        var store = _host!.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            for (var i = 0; i < Streams; i++)
                session.Events.StartStream($"probe/{i}", new AssignmentSeedRevealed(i, "00", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        await Eventually.MatchesAsync(() => _tap.CountAsync(_queue), n => n > 0, "the outbox publishing", TimeSpan.FromSeconds(30));

        await StopHostAsync();

        // Cancelled while waiting for their confirms, the publishes in flight were each logged by MassTransit as an
        // error-level send fault (S-FAULT), as if the broker had failed; the next term publishes them again anyway.
        var errors = logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} error lines at the stop, the first: {errors.FirstOrDefault()}");
        Assert.InRange(await _tap.CountAsync(_queue), 1u, (uint)Streams);
    }

    [Fact]
    public async Task Each_event_is_sent_in_the_trace_it_was_appended_in_and_a_dropped_trace_stays_dropped()
    {
        await StartHostAsync();
        var store = _host!.Services.GetRequiredService<IDocumentStore>();
        string recorded, dropped;
        using (var request = CommunityTelemetry.ActivitySource.StartActivity("a request"))
        {
            Assert.True(request is { Recorded: true }, "the service's tracing records an operation of its own");
            recorded = request.Id!;
            await AppendAsync(store, "probe/1", 1);
        }
        await AppendAsync(store, "probe/2", 2);
        // A request whose caller sampled its trace out: its operation exists, unrecorded, to pass the decision on.
        var droppedParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        using (var request = CommunityTelemetry.ActivitySource.StartActivity("a request sampled out", ActivityKind.Server, droppedParent))
        {
            Assert.True(request is { Recorded: false }, "a sampled-out caller's operation is not recorded");
            dropped = request.Id!;
            await AppendAsync(store, "probe/3", 3);
        }

        Assert.Equal(recorded, await StoredTraceParentAsync(store, "probe/1"));
        Assert.Null(await StoredTraceParentAsync(store, "probe/2"));
        Assert.Equal(dropped, await StoredTraceParentAsync(store, "probe/3"));

        var sent = new Dictionary<long, ActivityContext>();
        await Eventually.MatchesAsync(async () =>
        {
            foreach (var (_, body) in await _tap.TakeWaitingAsync(_queue))
            {
                var context = body.GetProperty("headers").GetProperty(MassTransit.Logging.DiagnosticHeaders.ActivityId).GetString();
                sent[body.GetProperty("message").GetProperty("round").GetInt64()] = ActivityContext.Parse(context!, null);
            }
            return sent.Count;
        }, n => n >= 3, "3 messages sent", TimeSpan.FromSeconds(30));

        // The send is a span of the request's trace; the consumer's span will be its child.
        var request1 = ActivityContext.Parse(recorded, null);
        Assert.Equal(request1.TraceId, sent[1].TraceId);
        Assert.NotEqual(request1.SpanId, sent[1].SpanId);
        Assert.Equal(ActivityTraceFlags.Recorded, sent[1].TraceFlags);
        // Appended outside any operation (a background loop's): its send starts a trace of its own, as before.
        Assert.NotEqual(request1.TraceId, sent[2].TraceId);
        // No span is made for a dropped trace, and the consumer is told so: the context goes out as it was stored.
        Assert.Equal(ActivityContext.Parse(dropped, null), sent[3]);
    }

    private static async Task<string?> StoredTraceParentAsync(IDocumentStore store, string stream)
    {
        await using var query = store.QuerySession();
        return (await query.Events.FetchStreamAsync(stream)).Single().GetHeader(HistoryTraceContext.Header) as string;
    }

    /// <summary>The rounds of the next <paramref name="count"/> messages the outbox published, in order (streams go out concurrently).</summary>
    private async Task<List<long>> PublishedRoundsAsync(int count)
    {
        var rounds = new List<long>();
        await Eventually.MatchesAsync(async () =>
        {
            rounds.AddRange((await _tap.TakeWaitingAsync(_queue)).Select(m => m.Body.GetProperty("message").GetProperty("round").GetInt64()));
            return rounds.Count;
        }, n => n >= count, $"{count} messages published", TimeSpan.FromSeconds(30));
        return [.. rounds.Order()];
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
