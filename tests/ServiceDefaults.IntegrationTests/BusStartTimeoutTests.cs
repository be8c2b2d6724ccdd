using System.Diagnostics;
using CommunityAI.ServiceDefaults.Messaging;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// A service whose broker never answers fails its start within Bus:StartTimeout, with the reason, instead of waiting
/// for ever without a word (a start that never ends is a process that looks alive and does nothing).
/// </summary>
public sealed class BusStartTimeoutTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_broker_nobody_listens_on_fails_the_start_within_the_limit()
    {
        // A port below the ephemeral range that nothing bound: every connection attempt is refused.
        await AssertStartFailsAsync($"amqp://guest:guest@127.0.0.1:{FreePort.Next()}/");
    }

    [Fact]
    public async Task A_virtual_host_the_broker_does_not_have_fails_the_start_within_the_limit()
    {
        var (amqp, _) = await RabbitServer.ServerAsync();
        await AssertStartFailsAsync(new UriBuilder(amqp) { Path = "/no-such-vhost-" + Guid.NewGuid().ToString("N") }.Uri.ToString());
    }

    private static async Task AssertStartFailsAsync(string amqpUri)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:rabbitmq"] = amqpUri;
        builder.Configuration["Bus:StartTimeout"] = Limit.ToString();
        builder.AddCommunityBus("start-probe");
        using var host = builder.Build();
        var started = Stopwatch.StartNew();
        var start = host.StartAsync();
        Assert.True(await Task.WhenAny(start, Task.Delay(Limit * 6)) == start, $"the start was still waiting after {Limit * 6}");
        Assert.NotNull(await Record.ExceptionAsync(() => start));
        Assert.InRange(started.Elapsed, Limit * 0.9, Limit * 6);
    }
}
