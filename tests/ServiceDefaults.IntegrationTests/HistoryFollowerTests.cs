using System.Diagnostics;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// The history follower against the real PostgreSQL and the gap-safe feed. With a batch still committing when
/// <see cref="HistoryFollower.ApplyAsync"/> returns (as the log writer reads its next batch while the last one commits),
/// the commit is waited for before the follower idles, so its failure ends the term even when nothing more comes, and the
/// next term resumes from what committed. A follower that wants one kind of event is handed no batch without one.
/// </summary>
public sealed class HistoryFollowerTests : IAsyncLifetime
{
    private string _database = "";
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("follower");
        _dataSource = NpgsqlDataSource.Create(_database);
        // The columns the feed reads of the history's event table.
        await using var command = _dataSource.CreateCommand($"""
            CREATE SCHEMA {HistoryStoreExtensions.EventsSchema};
            CREATE TABLE {HistoryStoreExtensions.EventsSchema}.mt_events (seq_id bigint PRIMARY KEY, id uuid NOT NULL, stream_id text NOT NULL,
                version bigint NOT NULL, type text NOT NULL, timestamp timestamptz NOT NULL, data jsonb NOT NULL, headers jsonb);
            INSERT INTO {HistoryStoreExtensions.EventsSchema}.mt_events
                SELECT n, gen_random_uuid(), 'test/' || n, 1, 'probe', now(), jsonb_build_object() FROM generate_series(1, 3) n;
            CREATE TABLE follower_commits (applied_through bigint NOT NULL);
            """);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task A_commit_that_fails_after_the_last_batch_ends_the_term_and_the_next_term_applies_the_batch_again()
    {
        var follower = new PipelinedFollower(_dataSource) { FailuresLeft = 1 };
        var loop = new LeaderLoop<PipelinedFollower>(follower, _dataSource, TimeProvider.System, NullLoggerFactory.Instance);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            // Nothing is appended after the three events: only waiting for the failed commit before idling reveals it.
            var committed = await Eventually.MatchesAsync(follower.CommittedAsync, c => c == 3, "the batch committed by a later term", TimeSpan.FromSeconds(30));
            Assert.Equal(3, committed);
            Assert.Equal(2, follower.Terms);
            Assert.Equal(0, follower.FailuresLeft);
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
            loop.Dispose();
        }
    }

    [Fact]
    public async Task A_follower_of_one_kind_of_event_is_handed_only_the_batch_that_holds_one()
    {
        var follower = new ChoosyFollower(_dataSource);
        var loop = new LeaderLoop<ChoosyFollower>(follower, _dataSource, TimeProvider.System, NullLoggerFactory.Instance);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            // The three probes there at the start, then a fourth: each read (the follower was asked about it), none applied.
            await Eventually.MatchesAsync(() => Task.FromResult(follower.AskedUpTo), n => n >= 3, "the first probes read", TimeSpan.FromSeconds(30));
            await AppendAsync(4, "probe");
            await Eventually.MatchesAsync(() => Task.FromResult(follower.AskedUpTo), n => n >= 4, "the fourth probe read", TimeSpan.FromSeconds(30));
            await AppendAsync(5, "wanted");
            await Eventually.MatchesAsync(() => Task.FromResult(follower.Applied.Count), n => n > 0, "the wanted event applied", TimeSpan.FromSeconds(30));
            Assert.Equal([5L], follower.Applied);
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
            loop.Dispose();
        }
    }

    [Fact]
    public async Task A_follower_that_stores_at_least_every_second_is_handed_what_it_passes_over_about_once_a_second()
    {
        var follower = new ChoosyFollower(_dataSource, storeAtLeastEvery: TimeSpan.FromSeconds(1));
        var loop = new LeaderLoop<ChoosyFollower>(follower, _dataSource, TimeProvider.System, NullLoggerFactory.Instance);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            // Probes only, none it wants, a few a second for three seconds: read as they come, stored now and then.
            var started = Stopwatch.StartNew();
            for (var n = 4; n <= 18; n++)
            {
                await AppendAsync(n, "probe");
                await Task.Delay(200);
            }
            await Eventually.MatchesAsync(() => Task.FromResult(follower.AppliedCopy()), a => a.Count > 0 && a[^1] == 18,
                "the last probe's checkpoint handed over to store", TimeSpan.FromSeconds(30));
            var applied = follower.AppliedCopy();
            // Never twice within the second; and not once a read (each probe was read on its own: the loop's first
            // idle step is 200 ms), which without the bound would be never (the test above).
            Assert.True(applied.Count <= Math.Ceiling(started.Elapsed.TotalSeconds) + 1, $"{applied.Count} stores in {started.Elapsed}");
            Assert.True(applied.Count >= 2, $"{applied.Count} stores");
            Assert.Equal(applied.Order(), applied);
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
            loop.Dispose();
        }
    }

    private async Task AppendAsync(long sequence, string type)
    {
        await using var command = _dataSource.CreateCommand($"INSERT INTO {HistoryStoreExtensions.EventsSchema}.mt_events VALUES (@n, gen_random_uuid(), 'test/' || @n, 1, @type, now(), '{{}}')");
        command.Parameters.AddWithValue("n", sequence);
        command.Parameters.AddWithValue("type", type);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Wants events of type <c>wanted</c> only; records the checkpoints it was handed and the last event it was asked about.</summary>
    private sealed class ChoosyFollower(NpgsqlDataSource dataSource, TimeSpan? storeAtLeastEvery = null) : HistoryFollower(dataSource, "test/")
    {
        private long _askedUpTo;

        public override LeaderLoopSettings Settings { get; } = new("probe:choosy-follower");

        protected override TimeSpan? StoreAtLeastEvery => storeAtLeastEvery;

        public long AskedUpTo => Interlocked.Read(ref _askedUpTo);

        public List<long> Applied { get; } = [];

        public List<long> AppliedCopy()
        {
            lock (Applied)
                return [.. Applied];
        }

        protected override bool Wants(StoredEvent e)
        {
            Interlocked.Exchange(ref _askedUpTo, e.Sequence);
            return e.EventType == "wanted";
        }

        protected override Task<long> LoadCheckpointAsync(CancellationToken ct) => Task.FromResult(0L);

        protected override Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
        {
            lock (Applied)
                Applied.Add(checkpoint);
            return Task.FromResult(true);
        }
    }

    /// <summary>Commits each batch's checkpoint a moment after <see cref="ApplyAsync"/> returned; the first commits throw.</summary>
    private sealed class PipelinedFollower(NpgsqlDataSource dataSource) : HistoryFollower(dataSource, "test/")
    {
        private readonly NpgsqlDataSource _commits = dataSource;
        private Task _committing = Task.CompletedTask;
        private int _terms;

        public override LeaderLoopSettings Settings { get; } = new("probe:pipelined-follower") { RetryInitialDelay = TimeSpan.FromMilliseconds(100) };

        public int FailuresLeft { get; set; }

        public int Terms => Volatile.Read(ref _terms);

        public async Task<long> CommittedAsync()
        {
            await using var command = _commits.CreateCommand("SELECT coalesce(max(applied_through), 0) FROM follower_commits");
            return (long)(await command.ExecuteScalarAsync())!;
        }

        protected override async Task<long> LoadCheckpointAsync(CancellationToken ct)
        {
            // A term starts from what committed, nothing of the last term's commits (as the log writer's new appender).
            Interlocked.Increment(ref _terms);
            _committing = Task.CompletedTask;
            return await CommittedAsync();
        }

        protected override Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
        {
            _committing = CommitAsync(_committing, checkpoint);
            return Task.FromResult(true);
        }

        protected override Task SettleAsync(bool termEnds) => _committing;

        private async Task CommitAsync(Task before, long checkpoint)
        {
            await before;
            await Task.Delay(200);
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new InvalidOperationException("the commit failed");
            }
            await using var command = _commits.CreateCommand("INSERT INTO follower_commits VALUES (@checkpoint)");
            command.Parameters.AddWithValue("checkpoint", checkpoint);
            await command.ExecuteNonQueryAsync();
        }
    }
}
