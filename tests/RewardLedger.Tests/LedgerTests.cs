using System.Numerics;
using CommunityAI.Formats.Claims;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Epochs;

namespace CommunityAI.RewardLedger.Tests;

public class LedgerTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

    [Fact]
    public void A_credit_is_a_balanced_entry_from_emission_to_the_contributor()
    {
        var entry = JournalEntry.Credit("0x01", Alice, 42, 3, "reward-1", 1, DateTimeOffset.UnixEpoch);
        Assert.True(entry.IsBalanced);
        Assert.Equal([new Posting(JournalEntry.EmissionAccount, "-42"), new Posting(Alice, "42")], entry.Lines);
    }

    [Fact]
    public void A_negative_credit_cannot_be_written()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JournalEntry.Credit("0x01", Alice, -1, 0, "reward-1", 1, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void An_account_counts_what_it_earned_per_epoch_for_the_cap()
    {
        var account = LedgerAccount.Open(Alice).Post(5, 7).Post(6, 7);
        Assert.Equal(11, account.EarnedIn(7));
        Assert.Equal(0, account.EarnedIn(8));
        account = account.Post(3, 8);
        Assert.Equal(3, account.EarnedIn(8));
        Assert.Equal("14", account.Balance);
        Assert.Equal(3, account.Entries);
    }

    [Fact]
    public void A_credit_after_its_epoch_closed_goes_to_the_first_open_epoch()
    {
        var options = new EpochOptions { Genesis = DateTimeOffset.UnixEpoch, Length = TimeSpan.FromHours(1) };
        var now = DateTimeOffset.UnixEpoch.AddHours(5.5);
        Assert.Equal(5, EpochState.None.EpochForCredit(options, now));
        Assert.Equal(6, new EpochState(EpochState.Key, 5).EpochForCredit(options, now));
        Assert.Equal(5, new EpochState(EpochState.Key, 2).EpochForCredit(options, now));
    }

    [Fact]
    public void Epoch_boundaries_follow_genesis_and_length()
    {
        var options = new EpochOptions { Genesis = DateTimeOffset.UnixEpoch, Length = TimeSpan.FromMinutes(10) };
        Assert.Equal(0, options.EpochAt(DateTimeOffset.UnixEpoch.AddMinutes(9.99)));
        Assert.Equal(1, options.EpochAt(DateTimeOffset.UnixEpoch.AddMinutes(10)));
        Assert.Equal(0, options.EpochAt(DateTimeOffset.UnixEpoch.AddDays(-1))); // before genesis counts as the first epoch
        Assert.Equal(DateTimeOffset.UnixEpoch.AddMinutes(30), options.EndOf(2));
    }

    [Fact]
    public void Closing_publishes_the_claim_tree_root_of_cumulative_amounts_and_totals()
    {
        var closed = EpochClosing.Close(4, [(Alice, 10), (Bob, 5)], creditedInEpoch: 7, DateTimeOffset.UnixEpoch);
        var expected = ClaimTree.Build([(Alice, new BigInteger(10)), (Bob, new BigInteger(5))]);
        Assert.Equal(expected.Root, closed.Closed.ClaimRoot);
        Assert.Equal("15", closed.Closed.CumulativeTotal);
        Assert.Equal("7", closed.Closed.CreditedInEpoch);
        Assert.Equal(2, closed.Closed.Accounts);
    }

    [Fact]
    public void Closing_with_nothing_earned_publishes_the_empty_root_and_skips_zero_claims()
    {
        var closed = EpochClosing.Close(0, [(Alice, 0)], 0, DateTimeOffset.UnixEpoch);
        Assert.Equal(EpochClosing.EmptyRoot, closed.Closed.ClaimRoot);
        Assert.Equal(0, closed.Closed.Accounts);
        Assert.Empty(closed.Claims);
    }
}
