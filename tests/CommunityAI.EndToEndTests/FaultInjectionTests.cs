using System.Text;
using CommunityAI.Testing;
using RabbitMQ.Client;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// Faults under load. After each, nothing accepted is lost and nothing is counted twice: every contribution
/// scored once and credited once, every history event in the log once under a dense index, the log anchored.
/// Each test class owns its PostgreSQL cluster and RabbitMQ node, so stopping them disturbs no other test.
/// </summary>
[Trait("Category", "Fault")]
public sealed class BrokerAndDatabaseFaultTests(FaultySystem system) : IClassFixture<FaultySystem>
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_database_crash_mid_load_loses_nothing_and_counts_nothing_twice()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var load = SignedContributions.SubmitSteadilyAsync(() => system.Contributions, 30, TimeSpan.FromMilliseconds(100), run: 2, cancel.Token);
        await Task.Delay(1000);
        await system.Database.StopAsync();
        await Task.Delay(3000);
        await system.Database.StartAsync();

        var accepted = await load;
        await HistoryInvariants.AssertSettledAsync(system.History, accepted, Settle, system.Chain.RpcUrl);
    }

    [Fact]
    public async Task Every_service_stopped_mid_load_and_started_again_loses_nothing_and_counts_nothing_twice()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var load = SignedContributions.SubmitSteadilyAsync(() => system.Contributions, 30, TimeSpan.FromMilliseconds(100), run: 3, cancel.Token);
        await Task.Delay(1500);
        await system.StopServicesAsync();
        await Task.Delay(1000);
        system.StartServices();

        var accepted = await load;
        await HistoryInvariants.AssertSettledAsync(system.History, accepted, Settle, system.Chain.RpcUrl);
    }
}

/// <summary>
/// The broker going away under load, cleanly (a rolling restart) and by a crash (SIGKILL, nothing flushed).
/// Every message queued meanwhile arrives at once when it comes back: the consumers take that backlog a
/// bounded number at a time and retry a refused database connection, so nothing lands in an error queue.
/// </summary>
[Trait("Category", "Fault")]
public sealed class BrokerRestartFaultTests(FaultySystem system) : IClassFixture<FaultySystem>
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_broker_restart_mid_load_loses_nothing_and_counts_nothing_twice()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var load = SignedContributions.SubmitSteadilyAsync(() => system.Contributions, 30, TimeSpan.FromMilliseconds(100), run: 1, cancel.Token);
        await Task.Delay(1000);
        await system.Rabbit.StopAsync();
        await Task.Delay(3000);
        await system.Rabbit.StartAsync();

        var accepted = await load;
        await HistoryInvariants.AssertSettledAsync(system.History, accepted, Settle, system.Chain.RpcUrl);
    }

    [Fact]
    public async Task A_broker_crash_mid_load_loses_nothing_and_counts_nothing_twice()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var load = SignedContributions.SubmitSteadilyAsync(() => system.Contributions, 30, TimeSpan.FromMilliseconds(100), run: 7, cancel.Token);
        await Task.Delay(1000);
        await system.Rabbit.KillAsync();
        await Task.Delay(3000);
        await system.Rabbit.StartAsync();

        var accepted = await load;
        await HistoryInvariants.AssertSettledAsync(system.History, accepted, Settle);
    }
}

/// <summary>Duplicate and poison deliveries on the shared broker, in a virtual host of this class's own.</summary>
[Trait("Category", "Fault")]
public sealed class DeliveryFaultTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    private static readonly string[] ConsumerQueues =
    [
        "quality-scoring-contribution-submitted",
    ];

    [Fact]
    public async Task A_poison_message_on_every_queue_goes_to_its_error_queue_and_the_rest_flows()
    {
        var factory = new ConnectionFactory { Uri = new Uri(system.Broker) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in ConsumerQueues)
            await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() },
                Encoding.UTF8.GetBytes("{ this is not json"));

        var accepted = await SignedContributions.SubmitSteadilyAsync(() => system.Contributions, 5, TimeSpan.FromMilliseconds(50), run: 4, CancellationToken.None);
        await HistoryInvariants.AssertSettledAsync(system.History, accepted, TimeSpan.FromMinutes(2), system.Chain.RpcUrl);

        foreach (var queue in ConsumerQueues)
        {
            var errors = await Eventually.MatchesAsync(async () => (await channel.QueueDeclarePassiveAsync(queue + "_error")).MessageCount,
                count => count == 1, $"the poison message in {queue}_error");
            Assert.Equal(1u, errors);
        }
    }

    [Fact]
    public async Task Every_message_delivered_twice_is_still_scored_once_and_credited_once()
    {
        // Copy every message the consumers receive, then deliver the copies again: as a broker redelivery would.
        var accepted = await SignedContributions.SubmitSteadilyAsync(() => system.Contributions, 10, TimeSpan.FromMilliseconds(50), run: 5, CancellationToken.None);
        await HistoryInvariants.AssertSettledAsync(system.History, accepted, TimeSpan.FromMinutes(2), system.Chain.RpcUrl);

        await Redelivery.ReplayHistoryMessagesAsync(system.History, system.Broker);
        await Task.Delay(3000);
        await HistoryInvariants.AssertSettledAsync(system.History, accepted, TimeSpan.FromMinutes(2), system.Chain.RpcUrl);
    }
}

/// <summary>
/// The chain node taken away under load and brought back with its chain. The log must end up anchored, every
/// anchor consistent with the log, and the audit must pass.
/// </summary>
[Trait("Category", "Fault")]
public sealed class ChainFaultTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    [Fact]
    public Task The_chain_node_down_for_twenty_seconds_mid_load_loses_nothing() => ChainOutage.RunAsync(system, TimeSpan.FromSeconds(20), run: 7);
}

/// <summary>The full chain outage: two minutes. Run with the full suite (Category=FaultFull).</summary>
[Trait("Category", "FaultFull")]
public sealed class LongChainOutageTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    [Fact]
    public Task The_chain_node_down_for_two_minutes_mid_load_loses_nothing() =>
        ChainOutage.RunAsync(system, TimeSpan.FromMinutes(2), run: 8);
}

/// <summary>
/// Reorgs under load that drop the blocks holding anchors, on a chain of the class's own (a node restarted from its
/// state file keeps no history to reorganise). The log must end up anchored again and the audit must pass.
/// </summary>
[Trait("Category", "Fault")]
public sealed class ChainReorgTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Reorgs_dropping_anchors_mid_load_end_with_the_log_anchored_again()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var load = SignedContributions.SubmitSteadilyAsync(() => system.Contributions, 30, TimeSpan.FromMilliseconds(150), run: 9, cancel.Token);
        // The contracts take the first two blocks; a reorg reaching them would take the contracts, not just anchors.
        await Eventually.MatchesAsync(system.Chain.BlockNumberAsync, n => n >= 8, "a few anchors beyond the deployment", TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(1500);
            // Every transaction is mined in a block of its own, so three blocks back holds at least the last anchor.
            await system.Chain.ReorgAsync(3);
        }

        var accepted = await load;
        await HistoryInvariants.AssertSettledAsync(system.History, accepted, Settle, system.Chain.RpcUrl);
        var dropped = await CountAsync("tree_head_anchor_dropped");
        Assert.True(dropped > 0, "the reorgs dropped no anchor, so this scenario tested nothing");
    }

    private async Task<long> CountAsync(string type)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM history.mt_events WHERE type = @type", connection);
        command.Parameters.AddWithValue("type", type);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>
/// The database away for two minutes, far longer than the quick retries, while partners keep publishing: their
/// commands wait in place (Bus:TransientRetryWindow) and are taken in once it is back; no error queue receives
/// anything. Run with the full suite (Category=FaultFull).
/// </summary>
[Trait("Category", "FaultFull")]
public sealed class LongDatabaseOutageTests(FaultySystem system) : IClassFixture<FaultySystem>
{
    [Fact]
    public async Task The_database_down_for_two_minutes_with_partner_commands_waiting_loses_nothing()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var load = SignedContributions.SubmitSteadilyAsync(() => system.Contributions, 30, TimeSpan.FromMilliseconds(100), run: 9, cancel.Token);
        await Task.Delay(1000);
        await system.Database.StopAsync();

        // The partner under its own broker user, publishing where the contract says; the error queues are checked as administrator.
        var factory = new ConnectionFactory { Uri = new Uri(system.BrokerAs(CommunityAI.ServiceDefaults.Messaging.BrokerUsers.PartnerUser(SystemUnderTest.Partner))) };
        await using var partnerConnection = await factory.CreateConnectionAsync();
        await using var channel = await partnerConnection.CreateChannelAsync();
        await using var admin = await BrokerTap.ConnectAsync(system.Broker);
        var partner = new List<string>();
        // Nonces far from the HTTP load's (run * 100,000 + i), so no partner command conflicts with a web submission.
        for (var i = 0; i < 10; i++)
        {
            var (id, json) = SignedContributions.PartnerCommand(keyIndex: 1 + i % 5, nonce: (ulong)(9_000_000 + i), $"partner during the outage {i}");
            await channel.BasicPublishAsync("contributions-submit", "", mandatory: true,
                new BasicProperties { ContentType = "application/json", MessageId = Guid.NewGuid().ToString(), Persistent = true }, json);
            partner.Add(id);
        }
        await Task.Delay(TimeSpan.FromMinutes(2));
        await system.Database.StartAsync();

        var accepted = (await load).Concat(partner).ToList();
        await HistoryInvariants.AssertSettledAsync(system.History, accepted, TimeSpan.FromMinutes(4), system.Chain.RpcUrl);
        foreach (var queue in new[] { "contributions-submit", "quality-scoring-contribution-submitted",
                     "contributions-contribution-scored", "contributions-contribution-rewarded" })
            Assert.Equal(0u, await admin.CountAsync(queue + "_error")); // never declared: nothing ever failed there
    }
}
