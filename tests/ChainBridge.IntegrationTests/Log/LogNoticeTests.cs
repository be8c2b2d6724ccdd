using System.Collections.Concurrent;
using System.Globalization;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Contracts;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ChainBridge.IntegrationTests.Log;

/// <summary>
/// <see cref="LogEntriesAppended"/> names every committed entry, on a broker of the test's own that is stopped while
/// entries are logged: the log does not wait for it, and the notices written meanwhile go out once it is back.
/// </summary>
public sealed class LogNoticeTests : IAsyncLifetime
{
    private readonly PrivateRabbit _rabbit = new();
    private readonly ConcurrentDictionary<long, int> _noticed = new();
    private string _history = "";
    private IBusControl _listener = null!;
    private ChainBridgeHost _bridge = null!;

    public async Task InitializeAsync()
    {
        await _rabbit.InitializeAsync();
        _history = await PostgresServer.CreateDatabaseAsync("notices");
        // A subscriber of our own, bound before anything is published, counting each index it is told about.
        _listener = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(_rabbit.AmqpUri));
            rabbit.ReceiveEndpoint("log-notice-listener", e => e.Handler<LogEntriesAppended>(context =>
            {
                foreach (var entry in context.Message.Entries)
                    _noticed.AddOrUpdate(entry.Index, 1, (_, n) => n + 1);
                return Task.CompletedTask;
            }));
        });
        await _listener.StartAsync();
        // No chain: anchoring waits for a node, so nothing but the test's events enters the log.
        _bridge = new ChainBridgeHost(new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = _history,
            ["ConnectionStrings:rabbitmq"] = _rabbit.AmqpUri,
            ["ConnectionStrings:chain"] = "http://127.0.0.1:9",
            ["Chain:Id"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[1],
        });
        _ = _bridge.Services; // starts the host
    }

    private async Task AppendAsync(int from, int count)
    {
        await using var session = _bridge.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        for (var i = from; i < from + count; i++)
            session.Events.Append($"test/notice-{i % 3}", new TreeHeadAnchored(i, "0x" + new string('a', 64), 31337,
                "0x" + new string('b', 40), $"notice-{i}", i, DateTimeOffset.UnixEpoch));
        await session.SaveChangesAsync();
    }

    private Task<long> TreeSizeAsync() =>
        _bridge.Services.GetRequiredService<LogStore>().ReadHeadAsync(CancellationToken.None).ContinueWith(t => t.Result.TreeSize);

    [Fact]
    public async Task Entries_logged_while_the_broker_is_down_are_noticed_once_it_is_back()
    {
        await AppendAsync(0, 30);
        await Eventually.MatchesAsync(() => Task.FromResult(_noticed.Count), n => n == 30, "the first 30 indexes to be noticed", TimeSpan.FromSeconds(60));

        await _rabbit.StopAsync();
        await AppendAsync(30, 40);
        // The log grows without the broker.
        await Eventually.MatchesAsync(TreeSizeAsync, size => size == 70, "the log to reach 70 entries while the broker is down", TimeSpan.FromSeconds(60));
        Assert.Equal(30, _noticed.Count);

        await _rabbit.StartAsync();
        await Eventually.MatchesAsync(() => Task.FromResult(_noticed.Count), n => n >= 70, "every index to be noticed after the broker is back", TimeSpan.FromMinutes(2));
        Assert.Equal(Enumerable.Range(0, 70).Select(i => (long)i), _noticed.Keys.Order());
        // Stored at most once a second while notices go out, so it follows the last of them within about a second.
        await Eventually.MatchesAsync(() => _bridge.Services.GetRequiredService<LogStore>().ReadNoticedThroughAsync(CancellationToken.None),
            through => through == 70, "the noticed checkpoint to reach 70", TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await _bridge.DisposeAsync();
        await _listener.StopAsync();
        await _rabbit.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(_history);
    }
}
