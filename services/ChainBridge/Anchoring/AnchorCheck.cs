using CommunityAI.ChainBridge.Chain;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>Decides, from where the chain holds an anchor's transaction now, how its confirmation state moves.</summary>
public static class AnchorCheck
{
    /// <param name="anchor">The anchor as recorded.</param>
    /// <param name="inclusion">The transaction's receipt on the canonical chain, or null when there is none.</param>
    /// <param name="chainHead">The number of the chain's latest block.</param>
    /// <param name="confirmations">Blocks required on top of the including block.</param>
    public static AnchorVerdict Assess(AnchorView anchor, TransactionInclusion? inclusion, ulong chainHead, int confirmations)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentOutOfRangeException.ThrowIfNegative(confirmations);
        if (anchor.Confirmation == ConfirmationState.Dropped)
            return AnchorVerdict.Unchanged;
        // A re-mined copy can revert where the original succeeded (TreeSizeNotGrowing once a later head is on
        // chain); it anchors nothing, so for the log it is as good as gone.
        if (inclusion is null || !inclusion.Succeeded)
            return AnchorVerdict.Dropped;
        var sameBlock = anchor.BlockHash is { } recorded
            ? string.Equals(recorded, inclusion.BlockHash, StringComparison.OrdinalIgnoreCase)
            : (ulong)anchor.BlockNumber == inclusion.BlockNumber;
        if (!sameBlock)
            return AnchorVerdict.Moved;
        return anchor.Confirmation == ConfirmationState.Included && chainHead >= inclusion.BlockNumber + (ulong)confirmations
            ? AnchorVerdict.Confirmed
            : AnchorVerdict.Unchanged;
    }
}
