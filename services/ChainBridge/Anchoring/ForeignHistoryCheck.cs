using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// Whether anchoring the log's head would extend the head already on chain, or anchor a foreign history: the log must
/// hold the chain's head (same root at the same size) and its new head must be consistent with it (RFC 9162
/// consistency proof). A rewritten or swapped history fails here before it reaches the chain.
/// </summary>
public static class ForeignHistoryCheck
{
    /// <summary>Decides whether <paramref name="next"/> may be anchored over <paramref name="onChain"/>.</summary>
    /// <param name="onChain">The head the HistoryAnchor contract holds; (0, zero bytes) before the first anchor.</param>
    /// <param name="next">The log's head, about to be anchored.</param>
    /// <param name="localRootAtOnChainSize">The log's root at the chain's tree size; null when the log is smaller.</param>
    /// <param name="proof">The log's consistency proof from the chain's tree size to the head's.</param>
    /// <returns>Null when the head extends the chain's; otherwise what does not match, in words.</returns>
    public static string? FindMismatch(AnchoredHead onChain, LogHead next, byte[]? localRootAtOnChainSize, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(onChain);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(proof);
        var size = (long)onChain.TreeSize;
        if (size == 0)
        {
            // The contract's state before any anchor; every log extends the empty tree.
            return onChain.RootHash.All(b => b == 0) || onChain.RootHash.AsSpan().SequenceEqual(LogHasher.EmptyRoot)
                ? null
                : $"the chain holds root {Hex.Encode(onChain.RootHash)} for an empty tree";
        }
        if (size > next.TreeSize)
        {
            return $"the chain holds a head of {size} entries but the log has only {next.TreeSize}: "
                + "the log lost entries or the chain anchors another history";
        }
        if (localRootAtOnChainSize is null)
        {
            throw new ArgumentNullException(nameof(localRootAtOnChainSize), $"the log holds {next.TreeSize} entries, so its root at {size} is needed");
        }
        if (!localRootAtOnChainSize.AsSpan().SequenceEqual(onChain.RootHash))
        {
            return $"the log's root at tree size {size} is {Hex.Encode(localRootAtOnChainSize)} but the chain holds {Hex.Encode(onChain.RootHash)}: "
                + "the log holds another history than the one anchored";
        }
        if (size == next.TreeSize)
        {
            return next.RootHash.AsSpan().SequenceEqual(onChain.RootHash)
                ? null
                : $"the log's head at tree size {size} is {Hex.Encode(next.RootHash)} but the chain holds {Hex.Encode(onChain.RootHash)}";
        }
        var consistency = ProofVerifier.VerifyConsistency(size, next.TreeSize, onChain.RootHash, next.RootHash, proof);
        return consistency.IsValid
            ? null
            : $"the log's head at tree size {next.TreeSize} is not consistent with the anchored head at {size}: {consistency.Message}";
    }
}
