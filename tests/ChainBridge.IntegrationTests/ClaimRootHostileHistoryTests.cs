using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Claims;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// Histories that say a root was published which the distributor does not hold, as after a lost transaction: the
/// bridge publishes it again only when the ledger's own EpochClosed agrees, and otherwise sends nothing and says why.
/// Each test gets a fresh bridge, database and chain, since the history it writes stays.
/// </summary>
public sealed class ClaimRootHostileHistoryTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly string Root = ClaimTree.Build([(AnvilNode.DevAddresses[3], BigInteger.Pow(10, 18))]).Root;
    private static readonly string OtherRoot = ClaimTree.Build([(AnvilNode.DevAddresses[4], BigInteger.Pow(10, 18))]).Root;
    private readonly ClaimRootBridge _bridge = new();

    public Task InitializeAsync() => _bridge.InitializeAsync();

    public Task DisposeAsync() => _bridge.DisposeAsync();

    [Fact]
    public async Task A_publication_the_chain_lost_is_published_again_from_the_ledgers_closed_epoch()
    {
        var lost = _bridge.LostPublication(3, Root);
        await _bridge.AppendAsync(("ledger/epochs/3", Closed(3, Root)), (ClaimRootHistoryStream, lost));

        var records = await Eventually.MatchesAsync(_bridge.RecordsAsync, r => r.OfType<ClaimRootDropped>().Any(),
            "the lost publication recorded and published again", Patience);

        var dropped = records.OfType<ClaimRootDropped>().Single();
        Assert.Equal((3L, lost.TxHash, 0L), (dropped.Epoch, dropped.TxHash, dropped.OnChainEpoch));
        Assert.Equal(3, records.OfType<ClaimRootPublished>().Last().Epoch);
        var onChain = await _bridge.Distributor.GetLatestRootAsync();
        Assert.Equal((3UL, Root), (onChain.Epoch, Hex.Encode(onChain.Root)));
    }

    [Fact]
    public async Task A_malformed_root_in_the_ledgers_closed_epoch_is_refused_and_nothing_is_sent()
    {
        await _bridge.AppendAsync(("ledger/epochs/3", Closed(3, "0x1234")), (ClaimRootHistoryStream, _bridge.LostPublication(3, Root)));

        await AssertRefusedAsync("not 32 bytes of 0x-hex");
    }

    [Fact]
    public async Task A_published_epoch_the_ledger_never_closed_is_refused_and_nothing_is_sent()
    {
        await _bridge.AppendAsync(("ledger/epochs/2", Closed(2, Root)), (ClaimRootHistoryStream, _bridge.LostPublication(3, Root)));

        await AssertRefusedAsync("no EpochClosed for published epoch 3");
    }

    [Fact]
    public async Task An_epoch_closed_outside_the_ledgers_streams_is_not_taken_and_nothing_is_sent()
    {
        // Any stream can hold an event named EpochClosed; only the ledger's are closed epochs.
        await _bridge.AppendAsync(("test/forged-epochs", Closed(3, Root)), (ClaimRootHistoryStream, _bridge.LostPublication(3, Root)));

        await AssertRefusedAsync("no EpochClosed at all");
    }

    [Fact]
    public async Task A_closed_root_differing_from_the_published_one_is_refused_and_nothing_is_sent()
    {
        await _bridge.AppendAsync(("ledger/epochs/3", Closed(3, OtherRoot)), (ClaimRootHistoryStream, _bridge.LostPublication(3, Root)));

        await AssertRefusedAsync("differs from the one published");
    }

    [Fact]
    public async Task A_publication_recorded_for_another_distributor_is_not_repeated_on_ours()
    {
        // The same root on two distributors would pay the same proofs twice.
        var elsewhere = _bridge.LostPublication(3, Root, distributor: AnvilNode.DevAddresses[9]);
        await _bridge.AppendAsync(("ledger/epochs/3", Closed(3, Root)), (ClaimRootHistoryStream, elsewhere));
        await _bridge.Anvil.MineAsync();

        Assert.Equal(0UL, await _bridge.LookedAtAsync(await _bridge.Anvil.BlockNumberAsync()));
        await AssertNothingSentAsync();
        Assert.Empty(_bridge.Refusals());
    }

    private const string ClaimRootHistoryStream = CommunityAI.ChainBridge.ClaimRoots.ClaimRootHistory.StreamKey;

    private static EpochClosed Closed(long epoch, string root) => new(epoch, DateTimeOffset.UtcNow, "1000000000000000000", "1000000000000000000", 1, root);

    private async Task AssertRefusedAsync(string reason)
    {
        var refusals = await Eventually.MatchesAsync(() => Task.FromResult(_bridge.Refusals()), r => r.Count > 0, "a refusal", Patience);
        Assert.Contains(reason, refusals[0], StringComparison.Ordinal);
        // The same look would have sent the root; a block later still nothing went out, and the refusal is not repeated.
        await _bridge.Anvil.MineAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await AssertNothingSentAsync();
        Assert.Single(_bridge.Refusals());
    }

    private async Task AssertNothingSentAsync()
    {
        Assert.Equal(0UL, (await _bridge.Distributor.GetLatestRootAsync()).Epoch);
        Assert.Empty(await _bridge.RootsOnChainAsync());
        var records = await _bridge.RecordsAsync();
        Assert.Single(records);
        Assert.IsType<ClaimRootPublished>(records[0]);
    }
}
