using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// The history follower with a batch still committing when <see cref="HistoryFollower.ApplyAsync"/> returns (as the log
/// writer reads its next batch while the last one commits), against the real PostgreSQL and the gap-safe feed: the
/// commit is waited for before the follower idles, so its failure ends the term even when nothing more comes, and the
/// next term resumes from what committed.
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
                version bigint NOT NULL, type text NOT NULL, timestamp timestamptz NOT NULL, data jsonb NOT NULL);
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

        protected override Task SettleAsync() => _committing;

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
