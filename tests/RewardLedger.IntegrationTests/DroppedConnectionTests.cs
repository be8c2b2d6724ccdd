using CommunityAI.Testing;
using Npgsql;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// A backlog of scores credited while PostgreSQL drops the service's connections, as on a busy database or a
/// failover. A refused or dropped connection is a passing failure: the follower's term ends, and the next resumes
/// from the committed checkpoint, so every score is credited once.
/// </summary>
public class DroppedConnectionTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    private const int Contributions = 600;

    [Fact]
    public async Task A_backlog_credited_while_the_database_drops_every_connection_is_credited_in_full()
    {
        _ = system.Api; // one replica, started before the backlog arrives
        var addresses = Enumerable.Range(0, 40).Select(_ => LedgerSystem.RandomAddress()).ToList();
        var scored = Enumerable.Range(0, Contributions).Select(i => LedgerSystem.Scored(addresses[i % addresses.Count], score: 50)).ToList();
        // The test's own reads use fresh connections, and a read that the drops cut short counts as nothing seen yet.
        var unpooled = new NpgsqlConnectionStringBuilder(system.History) { Pooling = false }.ConnectionString;
        async Task<long> credited()
        {
            try
            {
                return await LedgerSql.CountAsync(unpooled, "SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded'");
            }
            catch (NpgsqlException)
            {
                return -1;
            }
        }

        // Recorded as quality-scoring records them; the ledger starts crediting at once, and the drops begin meanwhile.
        await system.RecordAsync(scored);
        // End every session of the service's database while credits are in flight, until half of them are done.
        var drops = 0;
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until && (drops < 3 || await credited() < Contributions / 2))
        {
            await Task.Delay(150);
            drops += await TerminateSessionsAsync(system.History) > 0 ? 1 : 0;
        }
        Assert.True(drops >= 3, $"the database dropped the service's connections only {drops} times");

        var total = await Eventually.MatchesAsync(credited, n => n >= Contributions, "every contribution to be credited", TimeSpan.FromSeconds(120));
        Assert.Equal(Contributions, total);
        Assert.Equal(Contributions, await LedgerSql.CountAsync(unpooled, "SELECT count(*) FROM ledger.mt_doc_journalentry"));
        Assert.Equal(Contributions, await LedgerSql.CountAsync(unpooled,
            "SELECT count(DISTINCT data->>'contributionId') FROM history.mt_events WHERE type = 'contribution_rewarded'"));
    }

    /// <summary>What an operator's pg_terminate_backend or a failover does: every open session of the database ends.</summary>
    private static async Task<int> TerminateSessionsAsync(string database)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using var connection = new NpgsqlConnection(await PostgresServer.ServerConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("name", name!);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
