using System.Numerics;

namespace CommunityAI.ChainBridge.ClaimRoots;

/// <summary>The outcome of <see cref="ClaimRootCheck.Decide"/>.</summary>
/// <param name="Verdict">What to do.</param>
/// <param name="Epoch">For <see cref="ClaimRootVerdict.Republish"/>, the epoch to publish; 0 otherwise.</param>
/// <param name="Root">For <see cref="ClaimRootVerdict.Republish"/>, its 32-byte root; empty otherwise.</param>
/// <param name="CumulativeTotal">For <see cref="ClaimRootVerdict.Republish"/>, the tree's cumulative total; 0 otherwise.</param>
/// <param name="Reason">For <see cref="ClaimRootVerdict.Refused"/>, what is wrong with the history; empty otherwise.</param>
public sealed record ClaimRootDecision(ClaimRootVerdict Verdict, long Epoch, byte[] Root, BigInteger CumulativeTotal, string Reason)
{
    public static ClaimRootDecision UpToDate { get; } = new(ClaimRootVerdict.UpToDate, 0, [], BigInteger.Zero, "");

    public static ClaimRootDecision Republish(long epoch, byte[] root, BigInteger cumulativeTotal) =>
        new(ClaimRootVerdict.Republish, epoch, root, cumulativeTotal, "");

    public static ClaimRootDecision Refuse(string reason) => new(ClaimRootVerdict.Refused, 0, [], BigInteger.Zero, reason);
}
