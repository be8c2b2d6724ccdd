using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.Contracts;

namespace ChainBridge.Tests;

/// <summary>The anchors' views rebuilt from the history's events alone: included, then confirmed or dropped.</summary>
public sealed class AnchorViewsTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void Each_head_reads_as_its_last_event_says()
    {
        var views = AnchorViews.Fold(
        [
            new TreeHeadAnchored(5, "0x05", 31337, "0xa", "0xt5", 10, At, "0xb10"),
            new TreeHeadAnchored(9, "0x09", 31337, "0xa", "0xt9", 11, At, "0xb11"),
            new TreeHeadConfirmed(5, "0x05", 31337, "0xa", "0xt5", 12, "0xb12", 1, At.AddMinutes(1)),
            new TreeHeadAnchorDropped(9, "0x09", 31337, "0xa", "0xt9", 11, At.AddMinutes(2)),
            new TreeHeadConfirmed(7, "0x07", 31337, "0xa", "0xt7", 13, "0xb13", 1, At), // never anchored: ignored
            "an unrelated event",
        ]);

        Assert.Equal(
            [(5L, ConfirmationState.Confirmed, 12L, "0xb12"), (9L, ConfirmationState.Dropped, 11L, "0xb11")],
            views.Select(v => (v.TreeSize, v.Confirmation, v.BlockNumber, v.BlockHash!)));
        Assert.Equal(At.AddMinutes(1), views[0].ConfirmedAt);
        Assert.Equal(At.AddMinutes(2), views[1].DroppedAt);
    }
}
