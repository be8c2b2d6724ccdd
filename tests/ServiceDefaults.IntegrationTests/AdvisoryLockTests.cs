using CommunityAI.ServiceDefaults.Background;
using Npgsql;

namespace ServiceDefaults.IntegrationTests;

/// <summary>The one advisory-lock helper: one naming and hashing scheme, session and transaction-scoped locks.</summary>
public sealed class AdvisoryLockTests : IAsyncLifetime
{
    private string _database = "";
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("advisorylock");
        _dataSource = NpgsqlDataSource.Create(_database);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public void Every_name_gets_the_one_prefix_and_a_prefixed_name_is_refused()
    {
        Assert.Equal("communityai:ledger:epochs", AdvisoryLock.KeyOf("ledger:epochs"));
        Assert.Throws<ArgumentException>(() => AdvisoryLock.KeyOf("communityai:ledger:epochs"));
        Assert.Throws<ArgumentException>(() => AdvisoryLock.KeyOf(" "));
    }

    [Fact]
    public void One_statement_takes_its_keys_in_sorted_order_and_exclusive_wins_over_shared()
    {
        var command = AdvisoryLock.Command([TransactionLock.Exclusive("b"), TransactionLock.Shared("a"), TransactionLock.Shared("b")])!;

        Assert.Equal(["communityai:a", "communityai:b"], (string[])command.Parameters["keys"].Value!);
        Assert.Equal([true, false], (bool[])command.Parameters["shared"].Value!);
        Assert.Null(AdvisoryLock.Command([]));
    }

    [Fact]
    public async Task A_session_lock_is_the_hash_of_the_prefixed_name_and_is_held_by_one_connection_at_a_time()
    {
        await using var first = await LeaderLock.TryAcquireAsync(_dataSource, "jobs:probe", CancellationToken.None);
        Assert.NotNull(first);
        await using (var second = await LeaderLock.TryAcquireAsync(_dataSource, "jobs:probe", CancellationToken.None))
            Assert.Null(second);

        // Any tool that inspects pg_locks finds the lock under the documented key.
        await using var command = _dataSource.CreateCommand("""
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
              AND (classid::int8 << 32 | objid::int8) = hashtextextended('communityai:jobs:probe', 0)
            """);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Shared_transaction_locks_pass_each_other_an_exclusive_one_waits_for_them_and_commit_releases_all()
    {
        await using var readerA = await BeginWithAsync([TransactionLock.Shared("gate")]);
        await using var readerB = await BeginWithAsync([TransactionLock.Shared("gate"), TransactionLock.Exclusive("account:1")]);

        var writerTask = BeginWithAsync([TransactionLock.Exclusive("gate")]);
        await Task.Delay(500);
        Assert.False(writerTask.IsCompleted, "an exclusive lock was granted while shared holders were in their transactions");

        await readerA.Transaction.CommitAsync();
        await Task.Delay(300);
        Assert.False(writerTask.IsCompleted, "an exclusive lock was granted while one shared holder remained");
        await readerB.Transaction.CommitAsync();
        await using var writer = await writerTask.WaitAsync(TimeSpan.FromSeconds(10));

        // The account lock went with readerB's commit.
        await using var account = await BeginWithAsync([TransactionLock.Exclusive("account:1")]).WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task<Held> BeginWithAsync(IEnumerable<TransactionLock> locks)
    {
        var connection = await _dataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await AdvisoryLock.TakeAsync(connection, locks, CancellationToken.None);
        return new Held(connection, transaction);
    }

    private sealed record Held(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
