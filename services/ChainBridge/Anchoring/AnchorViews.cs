using CommunityAI.Contracts;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// The anchors' views as a pure function of the stream <see cref="AnchorHistory.StreamKey"/>: each anchored head is
/// included, then confirmed or dropped, as its events say. A reorg that only moved a transaction to another block records
/// no event, so a rebuilt view names the block of its last event; the reorg check finds the new block again.
/// </summary>
public static class AnchorViews
{
    public static IReadOnlyList<AnchorView> Fold(IEnumerable<object> events)
    {
        var views = new SortedDictionary<long, AnchorView>();
        foreach (var e in events)
        {
            switch (e)
            {
                case TreeHeadAnchored a:
                    views[a.TreeSize] = new AnchorView
                    {
                        Id = a.TreeSize, RootHash = a.RootHash, TxHash = a.TxHash, BlockNumber = a.BlockNumber, BlockHash = a.BlockHash,
                        Confirmation = ConfirmationState.Included, AnchoredAt = a.AnchoredAt,
                    };
                    break;
                case TreeHeadConfirmed c when views.TryGetValue(c.TreeSize, out var view):
                    views[c.TreeSize] = view with
                    {
                        BlockNumber = c.BlockNumber,
                        BlockHash = c.BlockHash,
                        Confirmation = ConfirmationState.Confirmed,
                        ConfirmedAt = c.ConfirmedAt,
                    };
                    break;
                case TreeHeadAnchorDropped d when views.TryGetValue(d.TreeSize, out var view):
                    views[d.TreeSize] = view with { Confirmation = ConfirmationState.Dropped, DroppedAt = d.DroppedAt };
                    break;
            }
        }
        return [.. views.Values];
    }
}
