using CommunityAI.Testing;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// A backlog arriving while PostgreSQL drops the service's connections, as after a broker outage on a busy
/// database or a database failover. A refused or dropped connection is a passing failure: the credit is
/// tried again, never parked in the error queue where nobody would ever credit it.
/// </summary>
public class DroppedConnectionTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    private const int Contributions = 600;
    private const string ErrorQueue = "reward-ledger-contribution-scored_error";

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

        // Scored before the outage (quality-scoring's database work is not under test); the notices arrive during it.
        var ids = await system.RecordAsync(scored);
        var publish = system.NotifyAsync(scored, ids);
        // End every session of the service's database while credits are in flight, until half of them are done.
        var drops = 0;
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until && (drops < 3 || await credited() < Contributions / 2))
        {
            drops += await TerminateSessionsAsync(system.History) > 0 ? 1 : 0;
            await Task.Delay(150);
        }
        await publish;
        Assert.True(drops >= 3, $"the database dropped the service's connections only {drops} times");

        var total = await Eventually.MatchesAsync(credited, n => n >= Contributions, "every contribution to be credited", TimeSpan.FromSeconds(120));
        Assert.Equal(Contributions, total);
        Assert.Equal(Contributions, await LedgerSql.CountAsync(unpooled, "SELECT count(*) FROM ledger.mt_doc_journalentry"));
        Assert.Equal(0u, await ErrorQueueDepthAsync());
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

    private async Task<uint> ErrorQueueDepthAsync()
    {
        var factory = new ConnectionFactory { Uri = new Uri(system.Broker) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(ErrorQueue)).MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return 0; // never created: nothing ever failed
        }
    }
}
