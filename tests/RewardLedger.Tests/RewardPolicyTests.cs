using System.Numerics;
using CommunityAI.RewardLedger.Domain;

namespace CommunityAI.RewardLedger.Tests;

public class RewardPolicyTests
{
    private static readonly BigInteger Token = TokenAmount.OneToken;

    [Fact]
    public void The_initial_policy_pays_the_kind_base_in_proportion_to_the_score()
    {
        Assert.Equal(10 * Token * 73 / 100, RewardPolicy.Initial.RewardFor("data", 73, 0));
        Assert.Equal(20 * Token, RewardPolicy.Initial.RewardFor("model", 100, 0));
        Assert.Equal("reward-1", RewardPolicy.Initial.Name);
    }

    [Fact]
    public void Scores_below_the_threshold_and_unknown_kinds_earn_nothing()
    {
        Assert.Equal(BigInteger.Zero, RewardPolicy.Initial.RewardFor("data", 19, 0));
        Assert.True(RewardPolicy.Initial.RewardFor("data", 20, 0) > 0);
        Assert.Equal(BigInteger.Zero, RewardPolicy.Initial.RewardFor("spam", 100, 0));
    }

    [Fact]
    public void A_quadratic_policy_rewards_high_scores_more_steeply()
    {
        var policy = RewardPolicy.Initial with { ScoreExponent = 2 };
        Assert.Equal(10 * Token * 50 * 50 / 10_000, policy.RewardFor("data", 50, 0));
        Assert.Equal(10 * Token, policy.RewardFor("data", 100, 0));
    }

    [Fact]
    public void The_cap_limits_what_an_address_earns_in_one_epoch()
    {
        var policy = RewardPolicy.Initial with { CapPerAddressPerEpoch = 15 * Token };
        Assert.Equal(5 * Token, policy.RewardFor("data", 100, 10 * Token));
        Assert.Equal(BigInteger.Zero, policy.RewardFor("data", 100, 15 * Token));
        Assert.Equal(BigInteger.Zero, policy.RewardFor("data", 100, 20 * Token));
    }

    [Fact]
    public void The_largest_policy_never_credits_beyond_uint256()
    {
        var policy = new RewardPolicy(9, new Dictionary<string, BigInteger> { ["model"] = TokenAmount.MaxUint256 }, 0, 4, TokenAmount.MaxUint256);
        Assert.Equal(TokenAmount.MaxUint256, policy.RewardFor("model", 100, 0));
        Assert.Equal(TokenAmount.MaxUint256, policy.RewardFor("model", 1_000, 0)); // scores are clamped to 100
    }

    [Fact]
    public void A_policy_survives_the_round_trip_through_its_history_event()
    {
        var published = RewardPolicy.Initial.ToEvent(DateTimeOffset.UnixEpoch);
        var back = RewardPolicy.FromEvent(published);
        Assert.Equal(RewardPolicy.Initial.Version, back.Version);
        Assert.Equal(RewardPolicy.Initial.CapPerAddressPerEpoch, back.CapPerAddressPerEpoch);
        Assert.Equal(RewardPolicy.Initial.BasePerKind, back.BasePerKind);
        Assert.Equal("10000000000000000000", published.BasePerKind["data"]);
    }
}
