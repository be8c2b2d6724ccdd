using System.Text;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// Every service runs under its own broker user (the fixture), and each login, a partner's included, attacks with a plain
/// AMQP client: forging another service's event, publishing straight into another service's queue, subscribing to what
/// it may not read, deleting another's queue. The broker refuses each (ACCESS_REFUSED) and a watch queue bound to every
/// target receives nothing but the one message each login may publish on its own exchange.
/// </summary>
public sealed class BrokerPermissionTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    private static readonly string ScoredExchange = BrokerUsers.ExchangeOf(typeof(ContributionScored));
    private static readonly string EpochExchange = BrokerUsers.ExchangeOf(typeof(EpochClosed));
    private const string EpochQueue = "chain-bridge-epoch-closed";

    public static TheoryData<string> Logins() => [.. BrokerUsers.All.Select(u => u.Service), "partner"];

    [Theory, MemberData(nameof(Logins))]
    public async Task A_login_cannot_forge_another_services_event_read_what_is_not_its_own_or_delete_another_services_queue(string login)
    {
        var user = login == "partner" ? null : BrokerUsers.Of(login);
        await using var admin = await new ConnectionFactory { Uri = new Uri(system.Broker) }.CreateConnectionAsync();
        await using var watchChannel = await admin.CreateChannelAsync();
        var watch = (await watchChannel.QueueDeclareAsync($"watch-{Guid.NewGuid():N}", durable: false, exclusive: false, autoDelete: false)).QueueName;
        // The control: the one event type this login publishes that no service consumes (a partner publishes none).
        var own = user?.Publishes.First(t => !BrokerUsers.All.Any(u => u.Consumes.Contains(t))) is { } type ? BrokerUsers.ExchangeOf(type) : null;
        foreach (var exchange in new[] { ScoredExchange, EpochExchange, EpochQueue, ScoringContent.QueueName, own }.OfType<string>())
        {
            await watchChannel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await watchChannel.QueueBindAsync(watch, exchange, "");
        }

        var name = user?.User ?? BrokerUsers.PartnerUser(SystemUnderTest.Partner);
        await using var attacker = await new ConnectionFactory { Uri = new Uri(system.BrokerAs(name)) }.CreateConnectionAsync();
        var prefix = user is null ? $"partner-{SystemUnderTest.Partner}-" : user.Service + "-";
        // Real events pass through these exchanges meanwhile: the attacker's messages are told apart by a marker.
        var marker = Guid.NewGuid().ToString("N");
        var forged = Encoding.UTF8.GetBytes("{\"message\":{\"contributionId\":\"0x00\",\"score\":100,\"epoch\":18446744073709551615,\"marker\":\"" + marker + "\"}}");

        // Forged events on the event exchanges and straight into the bridge's queue, by name and by the default exchange.
        if (login != "quality-scoring")
            await AssertRefusedAsync(attacker, c => c.BasicPublishAsync(ScoredExchange, "", false, new BasicProperties(), forged).AsTask());
        if (login != "reward-ledger")
            await AssertRefusedAsync(attacker, c => c.BasicPublishAsync(EpochExchange, "", false, new BasicProperties(), forged).AsTask());
        if (login != "chain-bridge")
        {
            await AssertRefusedAsync(attacker, c => c.BasicPublishAsync(EpochQueue, "", false, new BasicProperties(), forged).AsTask());
            await AssertRefusedAsync(attacker, c => c.BasicPublishAsync("", EpochQueue, false, new BasicProperties(), forged).AsTask());
            await AssertRefusedAsync(attacker, c => c.QueueDeleteAsync(EpochQueue));
            await AssertRefusedAsync(attacker, c => c.QueuePurgeAsync(EpochQueue));
        }

        // Subscribing to what it may not read: a queue of its own bound to the claim roots' exchange or the private content.
        var trap = prefix + "attack-" + Guid.NewGuid().ToString("N")[..8];
        await using (var channel = await attacker.CreateChannelAsync())
            await channel.QueueDeclareAsync(trap, durable: false, exclusive: false, autoDelete: true);
        if (login != "chain-bridge")
            await AssertRefusedAsync(attacker, c => c.QueueBindAsync(trap, EpochExchange, ""));
        if (login is not ("contributions" or "quality-scoring"))
        {
            await AssertRefusedAsync(attacker, c => c.QueueBindAsync(trap, ScoringContent.QueueName, ""));
            await AssertRefusedAsync(attacker, c => c.BasicConsumeAsync(ScoringContent.QueueName, false, new AsyncEventingBasicConsumer(c)));
        }
        // Contributions fills the content queue and may declare (so delete) it, by design: it attacks another queue.
        var victim = login == "contributions" ? "quality-scoring-contribution-submitted" : ScoringContent.QueueName;
        if (login != "quality-scoring")
            await AssertRefusedAsync(attacker, c => c.QueueDeleteAsync(victim));

        // The control: the same login may publish its own event, so the refusals above are its permissions, not a dead login.
        if (own is not null)
            await using (var channel = await attacker.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
                await channel.BasicPublishAsync(own, "", false, new BasicProperties(), forged);

        var expected = own is null ? 0 : 1;
        var marked = 0;
        await Eventually.MatchesAsync(async () =>
        {
            while (await watchChannel.BasicGetAsync(watch, autoAck: true) is { } got)
                marked += Encoding.UTF8.GetString(got.Body.Span).Contains(marker, StringComparison.Ordinal) ? 1 : 0;
            return marked;
        }, n => n >= expected, "the control message");
        await Task.Delay(TimeSpan.FromSeconds(1)); // a forgery that got through would have been routed by now, with the control
        while (await watchChannel.BasicGetAsync(watch, autoAck: true) is { } late)
            marked += Encoding.UTF8.GetString(late.Body.Span).Contains(marker, StringComparison.Ordinal) ? 1 : 0;
        Assert.Equal(expected, marked);
        // Nothing was deleted: each service's queue is still there.
        await watchChannel.QueueDeclarePassiveAsync(EpochQueue);
        await watchChannel.QueueDeclarePassiveAsync(ScoringContent.QueueName);
        await watchChannel.QueueDeclarePassiveAsync("quality-scoring-contribution-submitted");
        await watchChannel.QueueDeleteAsync(watch);
    }

    [Fact]
    public async Task A_partner_publishes_commands_to_contributions_submit_and_reads_the_public_events_it_was_given()
    {
        var partner = system.BrokerAs(BrokerUsers.PartnerUser(SystemUnderTest.Partner));
        await using var connection = await new ConnectionFactory { Uri = new Uri(partner) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var queue = BrokerUsers.PartnerQueue(SystemUnderTest.Partner);
        var before = (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;

        var (id, json) = SignedContributions.PartnerCommand(keyIndex: 2, nonce: 7_700_001, "partner through its own login");
        await channel.BasicPublishAsync(BrokerUsers.PartnerCommands, "", mandatory: true,
            new BasicProperties { ContentType = "application/json", MessageId = Guid.NewGuid().ToString(), Persistent = true }, json);

        // Its queue receives the public notices of its contribution (submitted, scored, rewarded...), read with its login.
        await Eventually.MatchesAsync(async () => (await channel.QueueDeclarePassiveAsync(queue)).MessageCount, n => n > before,
            $"the public notices of {id} in {queue}", TimeSpan.FromMinutes(2));
        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.NotNull(got);
    }

    [Fact]
    public async Task A_partner_publishes_a_batch_to_contributions_submit_batch_and_each_item_is_stored()
    {
        var partner = system.BrokerAs(BrokerUsers.PartnerUser(SystemUnderTest.Partner));
        await using var connection = await new ConnectionFactory { Uri = new Uri(partner) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var items = new[] { 7_700_101UL, 7_700_102UL }.Select(n => SignedContributions.PartnerCommand(keyIndex: 3, nonce: n, $"partner batch item {n}")).ToList();
        var batch = Encoding.UTF8.GetBytes("{\"partnerId\":\"partner-e2e\",\"contributions\":[" + string.Join(',', items.Select(i => Encoding.UTF8.GetString(i.Json))) + "]}");

        await channel.BasicPublishAsync(BrokerUsers.PartnerBatchCommands, "", mandatory: true,
            new BasicProperties { ContentType = "application/json", MessageId = Guid.NewGuid().ToString(), Persistent = true }, batch);

        foreach (var (id, _) in items)
            await Eventually.MatchesAsync(async () => (await system.Contributions.GetAsync($"/api/contributions/{id}")).StatusCode,
                s => s == System.Net.HttpStatusCode.OK, $"the batch item {id} stored", TimeSpan.FromMinutes(2));
    }

    private static async Task AssertRefusedAsync(IConnection connection, Func<IChannel, Task> attempt)
    {
        // Confirms on, so a refused publish is answered before the call returns; the broker closes the channel with 403.
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        try
        {
            await attempt(channel);
        }
        catch (Exception e) when (e is OperationInterruptedException or PublishException or AlreadyClosedException)
        {
        }
        var reason = await Eventually.MatchesAsync(() => Task.FromResult(channel.CloseReason), r => r is not null, "the broker's refusal");
        Assert.True(reason!.ReplyCode == 403, $"expected ACCESS_REFUSED, got {reason.ReplyCode} {reason.ReplyText}");
        Assert.Contains("ACCESS_REFUSED", reason.ReplyText, StringComparison.Ordinal);
    }
}
