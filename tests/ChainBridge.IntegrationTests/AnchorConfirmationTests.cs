using CommunityAI.ChainBridge.Anchoring;

namespace ChainBridge.IntegrationTests;

/// <summary>The anchoring service against a real anvil and PostgreSQL: anchors move from included to confirmed.</summary>
public sealed class AnchorConfirmationTests(AnchoringService service) : IClassFixture<AnchoringService>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_anchor_is_included_first_and_confirmed_once_enough_blocks_lie_on_top()
    {
        await service.AppendEntriesAsync(3);

        var anchors = await Eventually.MatchesAsync(service.AnchorsAsync, a => a.Count > 0, "a first anchor", Patience);
        var included = Assert.Single(anchors);
        Assert.InRange(included.TreeSize, 3, long.MaxValue);
        // Nothing else sends transactions here, so no block lies on top of the anchor's yet.
        Assert.Equal((ulong)included.BlockNumber, await service.Chain.BlockNumberAsync());
        Assert.Equal(ConfirmationState.Included, included.Confirmation);
        Assert.Null(included.ConfirmedAt);

        await service.Chain.MineAsync(AnchoringService.Confirmations);

        anchors = await Eventually.MatchesAsync(service.AnchorsAsync, a => a[0].Confirmation == ConfirmationState.Confirmed, "the anchor confirmed", Patience);
        var confirmed = Assert.Single(anchors);
        Assert.Equal(included with { Confirmation = ConfirmationState.Confirmed, ConfirmedAt = confirmed.ConfirmedAt }, confirmed);
        Assert.NotNull(confirmed.ConfirmedAt);
        var block = await service.Chain.RpcAsync("eth_getBlockByNumber", $"0x{confirmed.BlockNumber:x}", false);
        Assert.Equal(block.GetProperty("hash").GetString(), confirmed.BlockHash);
        Assert.Equal(1, await service.CountAnchorEventsAsync("tree_head_confirmed", confirmed.TxHash));
        Assert.Equal(1, await service.CountAnchorEventsAsync("tree_head_anchored", confirmed.TxHash));
        await service.AssertConsistentAsync();
    }
}
