using CommunityAI.ChainBridge.Anchoring;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// Reorgs on a real anvil (anvil_reorg replaces the last blocks with empty ones) that take an anchor away: the
/// service records the drop and anchors a head at least as large again. Tests build on the class's chain as the
/// previous test left it.
/// </summary>
public sealed class AnchorReorgTests(AnchoringService service) : IClassFixture<AnchoringService>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_reorg_that_drops_an_included_anchor_is_recorded_and_a_larger_head_is_anchored_again()
    {
        var confirmed = await AnchorNewEntriesAsync(3);
        await service.Chain.MineAsync(AnchoringService.Confirmations);
        await Eventually.MatchesAsync(service.AnchorsAsync, a => a.Single(x => x.TxHash == confirmed.TxHash).Confirmation == ConfirmationState.Confirmed,
            "the first anchor confirmed", Patience);
        var doomed = await AnchorNewEntriesAsync(4);
        Assert.Equal((ulong)doomed.BlockNumber, await service.Chain.BlockNumberAsync());

        await service.Chain.ReorgAsync(1);

        var anchors = await Eventually.MatchesAsync(service.AnchorsAsync,
            a => a.Single(x => x.TxHash == doomed.TxHash).Confirmation == ConfirmationState.Dropped
                 && a.Any(x => x.TreeSize > doomed.TreeSize && x.Confirmation != ConfirmationState.Dropped),
            "the dropped anchor recorded and a larger head anchored", Patience);
        var dropped = anchors.Single(a => a.TxHash == doomed.TxHash);
        Assert.NotNull(dropped.DroppedAt);
        Assert.Equal(ConfirmationState.Confirmed, anchors.Single(a => a.TxHash == confirmed.TxHash).Confirmation);
        Assert.Equal(1, await service.CountAnchorEventsAsync("tree_head_anchor_dropped", doomed.TxHash));
        await service.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_reorg_deeper_than_the_confirmations_also_drops_a_confirmed_anchor_within_the_window()
    {
        var anchor = await AnchorNewEntriesAsync(2);
        await service.Chain.MineAsync(AnchoringService.Confirmations);
        await Eventually.MatchesAsync(service.AnchorsAsync, a => a.Single(x => x.TxHash == anchor.TxHash).Confirmation == ConfirmationState.Confirmed,
            "the anchor confirmed", Patience);
        var depth = (int)(await service.Chain.BlockNumberAsync() - (ulong)anchor.BlockNumber) + 1;

        await service.Chain.ReorgAsync(depth);

        await Eventually.MatchesAsync(service.AnchorsAsync,
            a => a.Single(x => x.TxHash == anchor.TxHash).Confirmation == ConfirmationState.Dropped
                 && a.Any(x => x.TreeSize > anchor.TreeSize && x.Confirmation != ConfirmationState.Dropped),
            "the confirmed anchor dropped and a larger head anchored", Patience);
        await service.AssertConsistentAsync();
    }

    /// <summary>Appends entries and waits for the anchor that covers them.</summary>
    private async Task<AnchoringService.Anchor> AnchorNewEntriesAsync(int entries)
    {
        var covering = await service.AppendEntriesAsync(entries);
        var anchors = await Eventually.MatchesAsync(service.AnchorsAsync,
            a => a.Any(x => x.TreeSize >= covering && x.Confirmation != ConfirmationState.Dropped), "an anchor covering the new entries", Patience);
        return anchors.Last();
    }
}
