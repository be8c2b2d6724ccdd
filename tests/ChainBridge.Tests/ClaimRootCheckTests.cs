using CommunityAI.ChainBridge.ClaimRoots;
using CommunityAI.Formats;

namespace ChainBridge.Tests;

public sealed class ClaimRootCheckTests
{
    private const string Root5 = "0x5555000000000000000000000000000000000000000000000000000000000005";
    private const string Root6 = "0x6666000000000000000000000000000000000000000000000000000000000006";

    private static RecordedClaimRoot Published(long epoch = 5, string root = Root5) => new(epoch, root, "0xdead", 40);

    private static ClosedEpochRecord Closed(string? epoch = "5", string? root = Root5, string? total = "12000") => new(epoch, root, total);

    [Theory]
    [InlineData(5UL)]
    [InlineData(6UL)]
    [InlineData(ulong.MaxValue)]
    public void A_distributor_holding_our_newest_epoch_or_a_later_one_is_up_to_date(ulong onChain)
    {
        var decision = ClaimRootCheck.Decide(onChain, Published(), Closed());

        Assert.Equal(ClaimRootVerdict.UpToDate, decision.Verdict);
        Assert.False(ClaimRootCheck.IsBehind(onChain, Published()));
    }

    [Fact]
    public void Before_our_first_publication_there_is_nothing_to_restore()
    {
        // The first root of a distributor is EpochClosedConsumer's to publish, never a republication.
        Assert.Equal(ClaimRootVerdict.UpToDate, ClaimRootCheck.Decide(0, null, Closed()).Verdict);
        Assert.False(ClaimRootCheck.IsBehind(0, null));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(4UL)]
    public void A_distributor_behind_our_publication_gets_the_closed_epochs_root_again(ulong onChain)
    {
        Assert.True(ClaimRootCheck.IsBehind(onChain, Published()));

        var decision = ClaimRootCheck.Decide(onChain, Published(), Closed());

        Assert.Equal(ClaimRootVerdict.Republish, decision.Verdict);
        Assert.Equal(5, decision.Epoch);
        Assert.Equal(Hex.Decode(Root5, 32), decision.Root);
    }

    [Fact]
    public void A_later_closed_epoch_is_published_instead_of_the_lost_one()
    {
        // Amounts are cumulative and the ledger serves proofs for its newest closed epoch: that root is the one that pays.
        var decision = ClaimRootCheck.Decide(4, Published(), Closed("6", Root6));

        Assert.Equal(ClaimRootVerdict.Republish, decision.Verdict);
        Assert.Equal(6, decision.Epoch);
        Assert.Equal(Hex.Decode(Root6, 32), decision.Root);
        Assert.Equal(12000, decision.CumulativeTotal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("340282366920938463463374607431768211456")]
    public void A_closed_epoch_without_a_valid_cumulative_total_is_refused(string? total)
    {
        // The distributor caps all claims at the published total: a wrong one would stop claims or lift the cap.
        var decision = ClaimRootCheck.Decide(4, Published(), Closed("5", Root5, total));

        Assert.Equal(ClaimRootVerdict.Refused, decision.Verdict);
        Assert.Contains("cumulative total", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Root_case_does_not_matter_when_comparing_with_our_record()
    {
        var decision = ClaimRootCheck.Decide(4, Published(root: Root5.ToUpperInvariant().Replace("0X", "0x")), Closed());

        Assert.Equal(ClaimRootVerdict.Republish, decision.Verdict);
    }

    [Fact]
    public void Without_any_closed_epoch_in_the_history_nothing_is_sent()
    {
        var decision = ClaimRootCheck.Decide(4, Published(), null);

        Assert.Equal(ClaimRootVerdict.Refused, decision.Verdict);
        Assert.Contains("no EpochClosed", decision.Reason, StringComparison.Ordinal);
        Assert.Empty(decision.Root);
    }

    [Fact]
    public void A_published_epoch_the_history_never_closed_is_refused()
    {
        var decision = ClaimRootCheck.Decide(2, Published(), Closed("4", Root5));

        Assert.Equal(ClaimRootVerdict.Refused, decision.Verdict);
        Assert.Contains("no EpochClosed for published epoch 5", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("five")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5.0")]
    [InlineData("5e0")]
    [InlineData("99999999999999999999")]
    public void A_closed_epoch_without_a_valid_number_is_refused(string? epoch)
    {
        var decision = ClaimRootCheck.Decide(4, Published(), Closed(epoch));

        Assert.Equal(ClaimRootVerdict.Refused, decision.Verdict);
        Assert.Contains("no valid epoch number", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("5555000000000000000000000000000000000000000000000000000000000005")]
    [InlineData("0x5555")]
    [InlineData("0x5555000000000000000000000000000000000000000000000000000000000005ff")]
    [InlineData("0x5555000000000000000000000000000000000000000000000000000000000zz5")]
    public void A_malformed_root_in_the_history_is_refused(string? root)
    {
        var decision = ClaimRootCheck.Decide(4, Published(root: Root5), Closed("5", root));

        Assert.Equal(ClaimRootVerdict.Refused, decision.Verdict);
        Assert.Contains("not 32 bytes of 0x-hex", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_root_of_a_later_closed_epoch_is_refused_too()
    {
        var decision = ClaimRootCheck.Decide(4, Published(), Closed("6", "0x1234"));

        Assert.Equal(ClaimRootVerdict.Refused, decision.Verdict);
    }

    [Fact]
    public void The_same_epoch_with_another_root_than_we_published_is_refused()
    {
        var decision = ClaimRootCheck.Decide(4, Published(root: Root5), Closed("5", Root6));

        Assert.Equal(ClaimRootVerdict.Refused, decision.Verdict);
        Assert.Contains("differs from the one published", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refusal_is_only_reached_when_the_distributor_is_behind()
    {
        // A damaged history alone sends nothing and says nothing while the chain holds what we published.
        Assert.Equal(ClaimRootVerdict.UpToDate, ClaimRootCheck.Decide(5, Published(), Closed("x", "0x12")).Verdict);
    }
}
