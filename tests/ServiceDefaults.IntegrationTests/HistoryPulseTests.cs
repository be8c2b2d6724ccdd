using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// A service's own commits wake the loops that follow its streams (<see cref="HistoryPulse"/>), through the real history
/// store on PostgreSQL: events beat, documents alone do not, and a follower whose poll is ten minutes away reads its own
/// process's event at once.
/// </summary>
public sealed class HistoryPulseTests : IAsyncLifetime
{
    private string _database = "";
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("pulse");
        _host = await HistoryHost.StartAsync(_database, "pulse", options => options.Schema.For<Note>());
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await PostgresServer.DropDatabaseAsync(_database);
    }

    public sealed record Note(string Id, int Value);

    public sealed record Noted(int Value);

    [Fact]
    public async Task A_commit_with_events_beats_and_a_commit_of_documents_alone_does_not()
    {
        var pulse = _host.Services.GetRequiredService<HistoryPulse>();
        var store = _host.Services.GetRequiredService<IDocumentStore>();

        var beforeDocuments = pulse.Next;
        await using (var session = store.LightweightSession())
        {
            session.Store(new Note("a", 1));
            await session.SaveChangesAsync();
        }
        Assert.False(beforeDocuments.IsCompleted);

        await AppendAsync(store, "pulse/1", 1);
        Assert.True(beforeDocuments.IsCompleted);
        Assert.False(pulse.Next.IsCompleted);
    }

    [Fact]
    public async Task A_follower_of_its_own_streams_reads_a_commit_at_once_though_its_next_poll_is_minutes_away()
    {
        var store = _host.Services.GetRequiredService<IDocumentStore>();
        var dataSource = _host.Services.GetRequiredService<NpgsqlDataSource>();
        var follower = new SlowPollFollower(dataSource, _host.Services.GetRequiredService<HistoryPulse>());
        using var loop = new LeaderLoop<SlowPollFollower>(follower, dataSource, TimeProvider.System, NullLoggerFactory.Instance);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            // The first event is read by the first look; after it the follower's wait is ten minutes.
            await AppendAsync(store, "pulse/1", 1);
            await Eventually.MatchesAsync(() => Task.FromResult(follower.Applied), a => a == 1, "the first event applied", TimeSpan.FromSeconds(30));

            await AppendAsync(store, "pulse/2", 2);

            // Only the beat can bring it within the test's patience: the poll would come after ten minutes.
            Assert.Equal(2, await Eventually.MatchesAsync(() => Task.FromResult(follower.Applied), a => a == 2, "the second event applied", TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    private static async Task AppendAsync(IDocumentStore store, string stream, int value)
    {
        await using var session = store.LightweightSession();
        session.Events.StartStream(stream, new Noted(value));
        await session.SaveChangesAsync();
    }

    /// <summary>Counts the events of its streams it applied; every wait of its own is ten minutes.</summary>
    private sealed class SlowPollFollower(NpgsqlDataSource dataSource, HistoryPulse pulse) : HistoryFollower(dataSource, "pulse/", pulse)
    {
        private int _applied;

        public override LeaderLoopSettings Settings { get; } = new("probe:slow-poll-follower");

        public int Applied => Volatile.Read(ref _applied);

        protected override TimeSpan IdleDelay => TimeSpan.FromMinutes(10);

        protected override TimeSpan LongestIdleDelay => TimeSpan.FromMinutes(10);

        protected override Task<long> LoadCheckpointAsync(CancellationToken ct) => Task.FromResult(0L);

        protected override Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
        {
            Interlocked.Add(ref _applied, events.Count(e => e.Data is not null));
            return Task.FromResult(true);
        }
    }
}
