using CommunityAI.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.IntegrationTests;

public sealed record ConfirmProbe(int Number);

/// <summary>
/// A background publisher never waits for ever on a broker that stopped confirming. A RabbitMQ node of the test's own
/// raises its memory alarm, which blocks every publishing connection, so no confirm comes: the plain publish is still
/// waiting, the bounded one gives up with a clear error within its limit, and once the alarm clears the same
/// publisher publishes again.
/// </summary>
public sealed class ConfirmedPublisherTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(3);
    private readonly PrivateRabbit _rabbit = new();
    private IHost? _host;

    public async Task InitializeAsync()
    {
        await _rabbit.InitializeAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:rabbitmq"] = _rabbit.AmqpUri;
        builder.Configuration["Bus:PublishConfirmTimeout"] = Limit.ToString();
        builder.AddCommunityBus("confirm-probe");
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(stop.Token);
            _host.Dispose();
        }
        await _rabbit.DisposeAsync();
    }

    [Fact]
    public async Task A_publish_the_broker_never_confirms_fails_within_the_limit_and_the_next_one_goes_through()
    {
        var publisher = _host!.Services.GetRequiredService<ConfirmedPublisher>();
        var bus = _host.Services.GetRequiredService<IBus>();
        await publisher.PublishAsync(new ConfirmProbe(1), CancellationToken.None);

        await _rabbit.CtlAsync("set_vm_memory_high_watermark", "absolute", "1");
        try
        {
            // Without the bound: still waiting well past the limit (what hung the outbox after a broker crash).
            using var giveUp = new CancellationTokenSource();
            var unbounded = bus.Publish(new ConfirmProbe(2), giveUp.Token);
            Assert.NotSame(unbounded, await Task.WhenAny(unbounded, Task.Delay(Limit * 3)));
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => unbounded);

            var started = System.Diagnostics.Stopwatch.StartNew();
            var refused = await Assert.ThrowsAsync<TimeoutException>(() => publisher.PublishAsync(new ConfirmProbe(3), CancellationToken.None));
            Assert.Contains("did not confirm a ConfirmProbe", refused.Message);
            Assert.Contains("Bus:PublishConfirmTimeout", refused.Message);
            // At the limit, give or take a loaded machine: MassTransit, cancelled, used to return about 20 s after it.
            Assert.InRange(started.Elapsed, Limit * 0.9, Limit * 4);

            // A send to a queue (the content handoff to scoring) is bounded the same way.
            started.Restart();
            var unsent = await Assert.ThrowsAsync<TimeoutException>(() =>
                publisher.SendAsync(bus, new Uri("queue:confirm-probe-sends"), new ConfirmProbe(5), CancellationToken.None));
            Assert.Contains("Bus:PublishConfirmTimeout", unsent.Message);
            Assert.InRange(started.Elapsed, Limit * 0.9, Limit * 4);
        }
        finally
        {
            await _rabbit.CtlAsync("set_vm_memory_high_watermark", "0.4");
        }

        await Eventually.MatchesAsync(async () =>
        {
            try
            {
                await publisher.PublishAsync(new ConfirmProbe(4), CancellationToken.None);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }, published => published, "a publish to be confirmed once the alarm cleared", TimeSpan.FromSeconds(60));
    }
}
