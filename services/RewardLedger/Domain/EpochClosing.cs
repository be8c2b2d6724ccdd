using CommunityAI.Formats.Policies;
using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Claims;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>Closing an epoch, as a pure function of what the ledger held at that moment.</summary>
public static class EpochClosing
{
    /// <summary>The root published while no address has earned anything: nothing can be proven against it.</summary>
    public const string EmptyRoot = "0x0000000000000000000000000000000000000000000000000000000000000000";

    /// <param name="cumulative">Every address's total earned in epochs up to and including <paramref name="epoch"/>.</param>
    /// <param name="creditedInEpoch">What was credited to <paramref name="epoch"/> itself.</param>
    public static ClosedEpoch Close(
        long epoch, IReadOnlyList<(string Address, BigInteger Amount)> cumulative, BigInteger creditedInEpoch, DateTimeOffset closedAt)
    {
        var claims = Claims(cumulative);
        var root = claims.Count == 0 ? EmptyRoot : ClaimTree.Build(claims).Root;
        var total = claims.Aggregate(BigInteger.Zero, (sum, c) => sum + c.Amount);
        var closed = new EpochClosed(epoch, closedAt, TokenAmount.Format(creditedInEpoch), TokenAmount.Format(total), claims.Count, root);
        return new ClosedEpoch(epoch, closed, [.. claims.Select(c => new Claim(c.Address, TokenAmount.Format(c.Amount)))]);
    }

    /// <summary>The leaves of an epoch's claim tree: addresses that earned something, in a fixed order.</summary>
    public static List<(string Address, BigInteger Amount)> Claims(IReadOnlyList<(string Address, BigInteger Amount)> cumulative) =>
        ClaimTree.LeavesOf(cumulative);
}
