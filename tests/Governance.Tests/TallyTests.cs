using System.Numerics;
using CommunityAI.Governance.Domain;

namespace CommunityAI.Governance.Tests;

public sealed class TallyTests
{
    private const string A = "0x000000000000000000000000000000000000000A";
    private const string B = "0x000000000000000000000000000000000000000B";
    private const string C = "0x000000000000000000000000000000000000000C";
    private const string D = "0x000000000000000000000000000000000000000D";
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static VotingPower Power(Dictionary<string, string>? delegations = null, bool squareRoot = false) =>
        new(new Dictionary<string, BigInteger> { [A] = 600, [B] = 300, [C] = 100, [D] = 0 }, delegations ?? [], squareRoot);

    private static CastVote Vote(string voter, VoteSupport support, int second = 0) => new(voter, support, T0.AddSeconds(second));

    [Fact]
    public void Each_voter_counts_its_earned_amount_and_for_must_beat_against()
    {
        var tally = Tally.Count(Power(), 400, [Vote(A, VoteSupport.Against), Vote(B, VoteSupport.For), Vote(C, VoteSupport.Abstain)]);

        Assert.Equal((300, 600, 100), ((int)tally.For, (int)tally.Against, (int)tally.Abstain));
        Assert.Equal(1000, (int)tally.TotalWeight);
        Assert.True(tally.QuorumReached);
        Assert.False(tally.Passes);
    }

    [Fact]
    public void Quorum_counts_for_and_abstain_and_is_rounded_up()
    {
        // 4% of 1,000 is 40; C alone (100) reaches it, abstaining.
        var abstainOnly = Tally.Count(Power(), 400, [Vote(C, VoteSupport.Abstain)]);
        Assert.True(abstainOnly.QuorumReached);
        Assert.False(abstainOnly.Passes);

        // 40% of 1,000 is 400: C and B together hold exactly that.
        Assert.Equal(400, (int)Tally.Count(Power(), 4_000, []).QuorumNeeded);
        Assert.True(Tally.Count(Power(), 4_000, [Vote(B, VoteSupport.For), Vote(C, VoteSupport.For)]).QuorumReached);
        Assert.False(Tally.Count(Power(), 4_001, [Vote(B, VoteSupport.For), Vote(C, VoteSupport.For)]).QuorumReached);
    }

    [Fact]
    public void Quorum_not_reached_defeats_even_a_unanimous_vote()
    {
        var tally = Tally.Count(Power(), 2_000, [Vote(C, VoteSupport.For)]);
        Assert.False(tally.QuorumReached);
        Assert.False(tally.Passes);
        Assert.Null(tally.QuorumReachedAt);
    }

    [Fact]
    public void A_delegate_votes_with_what_was_delegated_to_it()
    {
        var power = Power(new Dictionary<string, string> { [B] = C });
        var tally = Tally.Count(power, 400, [Vote(C, VoteSupport.For), Vote(A, VoteSupport.Against)]);

        Assert.Equal(400, (int)tally.For);
        Assert.Equal(600, (int)tally.Against);
    }

    [Fact]
    public void A_delegator_who_votes_overrides_its_delegate_whichever_votes_first()
    {
        var power = Power(new Dictionary<string, string> { [B] = C });

        var delegateFirst = Tally.Count(power, 400, [Vote(C, VoteSupport.For), Vote(B, VoteSupport.Against, 1)]);
        var delegatorFirst = Tally.Count(power, 400, [Vote(B, VoteSupport.Against), Vote(C, VoteSupport.For, 1)]);

        Assert.Equal((100, 300), ((int)delegateFirst.For, (int)delegateFirst.Against));
        Assert.Equal((100, 300), ((int)delegatorFirst.For, (int)delegatorFirst.Against));
    }

    [Fact]
    public void Delegation_is_one_level_deep()
    {
        // B delegates to C, C to A: A counts C's weight, not B's; B's weight waits for C to vote.
        var power = Power(new Dictionary<string, string> { [B] = C, [C] = A });
        var tally = Tally.Count(power, 400, [Vote(A, VoteSupport.For)]);
        Assert.Equal(700, (int)tally.For);
    }

    [Fact]
    public void An_address_with_nothing_earned_counts_only_what_is_delegated_to_it()
    {
        var power = Power(new Dictionary<string, string> { [C] = D });
        Assert.Equal(0, (int)power.Own(D));
        Assert.Equal(100, (int)Tally.Count(power, 400, [Vote(D, VoteSupport.For)]).For);
    }

    [Fact]
    public void Square_root_weighting_counts_each_addresss_root_before_delegation()
    {
        var power = new VotingPower(new Dictionary<string, BigInteger> { [A] = 10_000, [B] = 100, [C] = 99 },
            new Dictionary<string, string> { [C] = B }, squareRoot: true);
        Assert.Equal(100 + 10 + 9, (int)power.Total);
        Assert.Equal(10 + 9, (int)Tally.Count(power, 400, [Vote(B, VoteSupport.For)]).For);
    }

    [Fact]
    public void The_moment_quorum_was_first_reached_is_kept_even_if_an_override_takes_it_away()
    {
        var power = Power(new Dictionary<string, string> { [B] = C });
        // C votes For with B's weight (400 of 1000 = quorum at 40%); then B takes its 300 back, voting Against.
        var tally = Tally.Count(power, 4_000, [Vote(C, VoteSupport.For, 5), Vote(B, VoteSupport.Against, 9)]);
        Assert.Equal(T0.AddSeconds(5), tally.QuorumReachedAt);
        Assert.False(tally.QuorumReached);
    }

    [Fact]
    public void A_second_vote_by_the_same_voter_or_an_unknown_support_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Tally.Count(Power(), 400, [Vote(A, VoteSupport.For), Vote(A, VoteSupport.Against)]));
        Assert.Throws<ArgumentException>(() => Tally.Count(Power(), 400, [Vote(A, (VoteSupport)3)]));
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("1", "1")]
    [InlineData("3", "1")]
    [InlineData("4", "2")]
    [InlineData("99", "9")]
    [InlineData("1000000000000000000", "1000000000")]
    [InlineData("115792089237316195423570985008687907853269984665640564039457584007913129639935", "340282366920938463463374607431768211455")]
    public void Integer_square_root_is_exact(string value, string root) =>
        Assert.Equal(BigInteger.Parse(root), VotingPower.IntegerSquareRoot(BigInteger.Parse(value)));
}
