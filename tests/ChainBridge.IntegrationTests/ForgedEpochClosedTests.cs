using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Claims;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.Hosting;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// Closed epochs forged on the broker with a plain AMQP client and the shared login: a root of the attacker's choosing
/// with the largest epoch the message can carry (2^63 − 1; the contract's <c>long</c> cannot hold 2^64 − 1, and that
/// epoch would block the distributor as surely), and a real closing's notice with its root replaced. The bridge sends
/// only what the ledger's history records: the distributor's latest epoch and root stay as they were.
/// </summary>
public sealed class ForgedEpochClosedTests(ClaimRootBridge bridge) : IClassFixture<ClaimRootBridge>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);
    private static readonly string AttackerRoot = ClaimTree.Build([(AnvilNode.DevAddresses[7], 1_000_000 * Token)]).Root;

    [Fact]
    public async Task A_hand_written_EpochClosed_with_a_chosen_root_and_the_largest_epoch_sends_nothing_to_the_chain()
    {
        using var refused = new CounterWatch(CommunityTelemetry.MeterName, HistoryFacts.RefusedCounterName);
        var before = await bridge.Distributor.GetLatestRootAsync();

        var forged = new EpochClosed(long.MaxValue, DateTimeOffset.UtcNow, "1000000000000000000000000", "1000000000000000000000000", 1, AttackerRoot);
        await ForgedMessage.PublishAsync(bridge.Broker, nameof(EpochClosed), Guid.NewGuid(), forged);

        await HandledAsync(refused, HistoryFactCheck.NotInHistory, before.Epoch);
        await AssertDistributorAsync(before.Epoch, Hex.Encode(before.Root));
        Assert.Equal(1, Refusals(refused, HistoryFactCheck.NotInHistory));
        Assert.DoesNotContain(await bridge.RecordsAsync(), r => r is ClaimRootPublished p && p.Epoch == long.MaxValue);
    }

    [Fact]
    public async Task A_forged_notice_of_a_real_closing_with_another_root_is_refused_and_the_recorded_root_is_published()
    {
        using var refused = new CounterWatch(CommunityTelemetry.MeterName, HistoryFacts.RefusedCounterName);
        var before = await bridge.Distributor.GetLatestRootAsync();
        var epoch = (long)before.Epoch + 1;
        var tree = ClaimTree.Build([(AnvilNode.DevAddresses[3], 5 * Token)]);
        var recorded = new EpochClosed(epoch, DateTimeOffset.UtcNow, (5 * Token).ToString(), (5 * Token).ToString(), 1, tree.Root);
        var id = await bridge.RecordAsync($"ledger/epochs/{epoch}", recorded);

        // The forgery reaches the bridge before the genuine notice: the real event's id, the attacker's root.
        await ForgedMessage.PublishAsync(bridge.Broker, nameof(EpochClosed), id, recorded with { ClaimRoot = AttackerRoot });
        await HandledAsync(refused, HistoryFactCheck.BodyDiffers, before.Epoch);
        await AssertDistributorAsync(before.Epoch, Hex.Encode(before.Root));
        Assert.Equal(1, Refusals(refused, HistoryFactCheck.BodyDiffers));

        // The genuine notice publishes the root the ledger recorded.
        await bridge.NotifyAsync(recorded, id);
        var published = await bridge.PublicationOfAsync(epoch);
        Assert.Equal(tree.Root, published.ClaimRoot);
        await AssertDistributorAsync((ulong)epoch, tree.Root);
    }

    /// <summary>Waits until the forgery was refused, or the distributor moved (what it did before this was fixed).</summary>
    private async Task HandledAsync(CounterWatch refused, string reason, ulong epochBefore) =>
        await Eventually.MatchesAsync(async () => (Refusals(refused, reason), (await bridge.Distributor.GetLatestRootAsync()).Epoch),
            seen => seen.Item1 >= 1 || seen.Item2 != epochBefore, "the forgery handled", Patience);

    private static long Refusals(CounterWatch refused, string reason) =>
        refused.Total(("message_type", nameof(EpochClosed)), ("reason", reason));

    private async Task AssertDistributorAsync(ulong epoch, string root)
    {
        var latest = await bridge.Distributor.GetLatestRootAsync();
        Assert.Equal((epoch, root), (latest.Epoch, Hex.Encode(latest.Root)));
    }
}
