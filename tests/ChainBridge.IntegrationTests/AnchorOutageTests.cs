using System.Diagnostics;
using CommunityAI.ChainBridge.Anchoring;
using Xunit.Abstractions;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// The chain node stopped (SIGTERM, state kept in its file) while the log keeps growing, then started again on the
/// same port: anchoring waits, readiness says degraded, and one anchor afterwards covers everything.
/// </summary>
public sealed class AnchorOutageTests(AnchoringService service, ITestOutputHelper output) : IClassFixture<AnchoringService>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task While_the_node_is_down_the_log_grows_and_afterwards_one_anchor_covers_it_all()
    {
        var before = await service.AppendEntriesAsync(3);
        var first = (await Eventually.MatchesAsync(service.AnchorsAsync, a => a.Any(x => x.TreeSize >= before), "a first anchor", Patience)).Last();
        await Eventually.MatchesAsync(service.HealthAsync, h => h == "Healthy", "the service ready", Patience);

        await service.Chain.StopAsync();
        await Eventually.MatchesAsync(service.HealthAsync, h => h == "Degraded", "readiness degraded while the node is down", Patience);
        await service.AppendEntriesAsync(5);
        var covering = await service.AppendEntriesAsync(5);
        await Eventually.MatchesAsync(service.LogHeadAsync, h => h.TreeSize >= covering, "the log to grow without the chain", Patience);
        // Nothing can have been anchored meanwhile: the node is down.
        Assert.All(await service.AnchorsAsync(), a => Assert.InRange(a.TreeSize, 1, first.TreeSize));

        await service.Chain.RestartAsync();
        var restarted = Stopwatch.StartNew();

        var anchors = await Eventually.MatchesAsync(service.AnchorsAsync,
            a => a.Any(x => x.TreeSize >= covering && x.Confirmation != ConfirmationState.Dropped), "an anchor covering the outage", Patience);
        // A figure for the report, not an assertion: it depends on the backoff step the outage had reached.
        output.WriteLine($"caught up {restarted.ElapsedMilliseconds} ms after the node came back (retry delay 200 ms doubling to 1 s)");
        // The anchor sent before the outage survived it with the node's state: not mistaken for a dropped one.
        Assert.NotEqual(ConfirmationState.Dropped, anchors.Single(a => a.TxHash == first.TxHash).Confirmation);
        await Eventually.MatchesAsync(service.HealthAsync, h => h == "Healthy", "readiness healthy again", Patience);
        await service.AssertConsistentAsync();
    }
}
