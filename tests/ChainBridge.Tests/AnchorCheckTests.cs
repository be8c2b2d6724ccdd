using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;

namespace ChainBridge.Tests;

public sealed class AnchorCheckTests
{
    private const string BlockHash = "0xaaaa000000000000000000000000000000000000000000000000000000000001";
    private const string OtherHash = "0xbbbb000000000000000000000000000000000000000000000000000000000002";

    private static AnchorView Anchor(string state = ConfirmationState.Included, long block = 10, string? hash = BlockHash) => new()
    {
        Id = 42,
        RootHash = "0x01",
        TxHash = "0x02",
        BlockNumber = block,
        BlockHash = hash,
        Confirmation = state,
        AnchoredAt = DateTimeOffset.UnixEpoch,
    };

    private static TransactionInclusion At(ulong block = 10, string hash = BlockHash, bool succeeded = true) => new(block, hash, succeeded);

    [Theory]
    [InlineData(10, 2, AnchorVerdict.Unchanged)]
    [InlineData(11, 2, AnchorVerdict.Unchanged)]
    [InlineData(12, 2, AnchorVerdict.Confirmed)]
    [InlineData(500, 2, AnchorVerdict.Confirmed)]
    [InlineData(10, 0, AnchorVerdict.Confirmed)]
    public void An_included_anchor_is_confirmed_once_enough_blocks_lie_on_top(ulong chainHead, int confirmations, AnchorVerdict expected)
    {
        Assert.Equal(expected, AnchorCheck.Assess(Anchor(), At(), chainHead, confirmations));
    }

    [Fact]
    public void A_confirmed_anchor_still_in_its_block_stays_as_it_is()
    {
        Assert.Equal(AnchorVerdict.Unchanged, AnchorCheck.Assess(Anchor(ConfirmationState.Confirmed), At(), 100, 2));
    }

    [Theory]
    [InlineData(ConfirmationState.Included)]
    [InlineData(ConfirmationState.Confirmed)]
    public void Without_a_receipt_the_anchor_is_dropped_whatever_its_state(string state)
    {
        Assert.Equal(AnchorVerdict.Dropped, AnchorCheck.Assess(Anchor(state), null, 100, 2));
    }

    [Fact]
    public void A_re_mined_copy_that_failed_counts_as_dropped()
    {
        Assert.Equal(AnchorVerdict.Dropped, AnchorCheck.Assess(Anchor(), At(11, OtherHash, succeeded: false), 100, 2));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    public void The_same_transaction_in_another_block_is_moved_and_not_confirmed_by_the_old_block(ulong newBlock)
    {
        Assert.Equal(AnchorVerdict.Moved, AnchorCheck.Assess(Anchor(ConfirmationState.Confirmed), At(newBlock, OtherHash), 100, 2));
        Assert.Equal(AnchorVerdict.Moved, AnchorCheck.Assess(Anchor(), At(newBlock, OtherHash), 100, 2));
    }

    [Fact]
    public void Block_hashes_compare_without_regard_to_case()
    {
        Assert.Equal(AnchorVerdict.Confirmed, AnchorCheck.Assess(Anchor(), At(hash: BlockHash.ToUpperInvariant().Replace("0X", "0x")), 12, 2));
    }

    [Fact]
    public void An_anchor_recorded_without_a_block_hash_is_matched_by_block_number()
    {
        Assert.Equal(AnchorVerdict.Confirmed, AnchorCheck.Assess(Anchor(hash: null), At(10, OtherHash), 12, 2));
        Assert.Equal(AnchorVerdict.Moved, AnchorCheck.Assess(Anchor(hash: null), At(11, OtherHash), 13, 2));
    }

    [Fact]
    public void A_dropped_anchor_is_final()
    {
        Assert.Equal(AnchorVerdict.Unchanged, AnchorCheck.Assess(Anchor(ConfirmationState.Dropped), At(), 100, 2));
        Assert.Equal(AnchorVerdict.Unchanged, AnchorCheck.Assess(Anchor(ConfirmationState.Dropped), null, 100, 2));
    }

    [Fact]
    public void A_negative_confirmation_count_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AnchorCheck.Assess(Anchor(), At(), 100, -1));
    }
}
