using System.Globalization;
using System.Numerics;
using CommunityAI.Formats;

namespace CommunityAI.ChainBridge.ClaimRoots;

/// <summary>
/// Decides, from the distributor's latest epoch and what the history records, whether a claim root must be published
/// again. Contributors claim with proofs against the newest closed epoch's root (the ledger serves those), so when a
/// reorg or a lost transaction leaves the distributor behind our newest publication, that root goes out again.
/// Only a root the ledger recorded in an <c>EpochClosed</c> is ever sent, and only when it agrees with what we
/// published: a history that says otherwise is refused, since a wrong root would pay the wrong amounts.
/// </summary>
public static class ClaimRootCheck
{
    /// <summary>
    /// Whether the distributor holds an older epoch than our newest publication; only then does
    /// <see cref="Decide"/> need the history's newest closed epoch.
    /// </summary>
    public static bool IsBehind(ulong onChainEpoch, RecordedClaimRoot? published) =>
        published is { Epoch: > 0 } && onChainEpoch < (ulong)published.Epoch;

    /// <param name="onChainEpoch">The distributor's latest epoch (0 before any root).</param>
    /// <param name="published">Our newest publication to this distributor; null before the first.</param>
    /// <param name="newestClosed">The newest <c>EpochClosed</c> in the ledger's streams; null when there is none.</param>
    public static ClaimRootDecision Decide(ulong onChainEpoch, RecordedClaimRoot? published, ClosedEpochRecord? newestClosed)
    {
        if (!IsBehind(onChainEpoch, published))
            return ClaimRootDecision.UpToDate;
        var lost = published!.Epoch;
        if (newestClosed is null)
            return ClaimRootDecision.Refuse($"the history holds no EpochClosed at all, yet epoch {lost} was published");
        // Digits only: the ledger writes a JSON integer; a sign, a fraction or an exponent is not ours.
        if (!long.TryParse(newestClosed.Epoch, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
            return ClaimRootDecision.Refuse("the newest EpochClosed in the history has no valid epoch number");
        if (epoch < lost)
            return ClaimRootDecision.Refuse($"the history holds no EpochClosed for published epoch {lost}; its newest closed epoch is {epoch}");
        if (!Hex.TryDecode(newestClosed.ClaimRoot, out var root, 32))
            return ClaimRootDecision.Refuse($"the claim root of epoch {epoch} in the history is not 32 bytes of 0x-hex");
        // The same epoch with another root means the history or our record was altered: neither can be trusted.
        if (epoch == lost && !string.Equals(newestClosed.ClaimRoot, published.ClaimRoot, StringComparison.OrdinalIgnoreCase))
            return ClaimRootDecision.Refuse($"the claim root of epoch {epoch} in the history differs from the one published");
        if (!TryParseTotal(newestClosed.CumulativeTotal, out var total))
            return ClaimRootDecision.Refuse($"the cumulative total of epoch {epoch} in the history is not a decimal amount");
        return ClaimRootDecision.Republish(epoch, root, total);
    }

    /// <summary>
    /// Parses a claim tree's cumulative total as the ledger writes it: decimal digits only, at most 2^128 − 1 (what the
    /// distributor stores; a larger total is no ledger's).
    /// </summary>
    public static bool TryParseTotal(string? text, out BigInteger total)
    {
        total = BigInteger.Zero;
        if (string.IsNullOrEmpty(text) || text.Length > 39 || !text.All(char.IsAsciiDigit))
            return false;
        total = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return total < BigInteger.One << 128;
    }
}
