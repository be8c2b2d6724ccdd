using System.Numerics;
using CommunityAI.Formats.Claims;

namespace CommunityAI.Formats.Tests.Claims;

/// <summary>The one rule for an epoch's leaves: zero amounts are no leaves, order does not change the root.</summary>
public sealed class CumulativeLeavesTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    private const string Carol = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

    [Fact]
    public void An_address_whose_cumulative_amount_is_zero_is_no_leaf_and_the_rest_are_ordered()
    {
        var leaves = ClaimTree.LeavesOf([(Carol, 3), (Alice, BigInteger.Zero), (Bob, 5)]);

        Assert.Equal([(Bob, new BigInteger(5)), (Carol, new BigInteger(3))], leaves);
        Assert.Equal(ClaimTree.Build([(Bob, 5), (Carol, 3)]).Root, ClaimTree.OfCumulativeAmounts([(Carol, 3), (Alice, 0), (Bob, 5)])!.Root);
        Assert.Equal(ClaimTree.OfCumulativeAmounts([(Bob, 5), (Carol, 3)])!.Root, ClaimTree.OfCumulativeAmounts([(Carol, 3), (Bob, 5)])!.Root);
    }

    [Fact]
    public void Nobody_with_anything_to_claim_is_no_tree()
    {
        Assert.Null(ClaimTree.OfCumulativeAmounts([]));
        Assert.Null(ClaimTree.OfCumulativeAmounts([(Alice, 0), (Bob, 0)]));
    }
}
