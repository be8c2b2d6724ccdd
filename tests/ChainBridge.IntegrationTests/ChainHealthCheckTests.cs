using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// Readiness reads the chain through the bridge's one <see cref="ChainHead"/>: a probe within Chain:HeadPoll of the
/// anchoring scheduler's last read asks the node nothing (every probe was a request a hosted endpoint counts), and a
/// probe after it reads the node's new block. The check is built from the running service's own parts, over a real node.
/// </summary>
public sealed class ChainHealthCheckTests(AnchoringService service) : IClassFixture<AnchoringService>
{
    [Fact]
    public async Task A_probe_within_the_head_poll_asks_the_node_nothing_and_one_after_it_reads_the_new_block()
    {
        await Eventually.MatchesAsync(service.HealthAsync, h => h == "Healthy", "the service ready", TimeSpan.FromSeconds(60));
        var services = service.Host.Services;
        var clock = new FakeTimeProvider();
        var web3 = new Web3(service.Chain.RpcUrl);
        var asked = 0;
        var head = new ChainHead(() => { asked++; return web3; }, Options.Create(new ChainOptions { HeadPoll = TimeSpan.FromSeconds(3) }), clock);
        var check = new ChainHealthCheck(services.GetRequiredService<ChainConnection>(), head,
            services.GetRequiredService<LeaderLoop<AnchorScheduler>>(), services.GetRequiredService<AnchoringHalt>());

        var read = await head.LatestAsync(default); // as the scheduler reads it at its tick
        for (var probe = 0; probe < 5; probe++)
        {
            var result = await check.CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Healthy, result.Status);
            Assert.Equal($"chain at block {read.Number}", result.Description);
        }
        Assert.Equal(1, asked);

        await service.AppendEntriesAsync(1); // the bridge anchors it: the node mines a block
        var mined = await Eventually.MatchesAsync(() => CanonicalChain.LatestBlockAsync(web3), b => b.Number > read.Number,
            "a block mined after the first read", TimeSpan.FromSeconds(60));
        clock.Advance(TimeSpan.FromSeconds(3));
        var after = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(2, asked);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.StartsWith("chain at block ", after.Description, StringComparison.Ordinal);
        Assert.True(ulong.Parse(after.Description!["chain at block ".Length..], System.Globalization.CultureInfo.InvariantCulture) >= mined.Number);
    }
}
