using CommunityAI.RewardLedger.Domain;
using CommunityAI.Formats.Policies;
using System.Numerics;

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
        var shared = RewardPolicy.Initial with { FallbackShareBasisPoints = 2_500, UnseenContentShareBasisPoints = 100 };
        var published = shared.ToEvent(DateTimeOffset.UnixEpoch, effectiveFromEpoch: 7, proposalId: "0xab");
        var back = RewardPolicyRecord.FromEvent(published);
        Assert.Equal(shared.FallbackShareBasisPoints, back.FallbackShareBasisPoints);
        Assert.Equal(shared.UnseenContentShareBasisPoints, back.UnseenContentShareBasisPoints);
        Assert.Equal(7, published.EffectiveFromEpoch);
        Assert.Equal(RewardPolicy.Initial.Version, back.Version);
        Assert.Equal(RewardPolicy.Initial.CapPerAddressPerEpoch, back.CapPerAddressPerEpoch);
        Assert.Equal(RewardPolicy.Initial.BasePerKind, back.BasePerKind);
        Assert.Equal("10000000000000000000", published.BasePerKind["data"]);
    }

    [Fact]
    public void By_default_a_score_nobody_reviewed_earns_nothing()
    {
        Assert.True(RewardPolicy.Initial.RewardFor("data", 80, 0, RewardEvidence.Consensus) > 0);
        Assert.Equal(BigInteger.Zero, RewardPolicy.Initial.RewardFor("data", 80, 0, RewardEvidence.Automated));
        Assert.Equal(BigInteger.Zero, RewardPolicy.Initial.RewardFor("data", 80, 0, RewardEvidence.Unseen));
    }

    [Fact]
    public void A_fallback_share_pays_that_share_and_unseen_content_the_smaller_share()
    {
        var policy = RewardPolicy.Initial with { FallbackShareBasisPoints = 5_000, UnseenContentShareBasisPoints = 1_000 };
        Assert.Equal(10 * Token * 80 / 100, policy.RewardFor("data", 80, 0, RewardEvidence.Consensus));
        Assert.Equal(10 * Token * 80 * 5_000 / (100 * 10_000), policy.RewardFor("data", 80, 0, RewardEvidence.Automated));
        Assert.Equal(10 * Token * 80 * 1_000 / (100 * 10_000), policy.RewardFor("data", 80, 0, RewardEvidence.Unseen));
        var generousUnseen = policy with { UnseenContentShareBasisPoints = 10_000 };
        Assert.Equal(policy.RewardFor("data", 80, 0, RewardEvidence.Automated), generousUnseen.RewardFor("data", 80, 0, RewardEvidence.Unseen));
    }

    [Fact]
    public void A_share_truncates_once_so_small_amounts_stay_exact()
    {
        // 7 · 33 · 3333 / (100 · 10000) = 0.77 → 0; 1000000 · 33 · 3333 / 1000000 = 109989 exactly, not 109989 − rounding of two steps.
        var policy = new RewardPolicy(2, new Dictionary<string, BigInteger> { ["data"] = 7 }, 0, 1, 1_000, FallbackShareBasisPoints: 3_333);
        Assert.Equal(BigInteger.Zero, policy.RewardFor("data", 33, 0, RewardEvidence.Automated));
        var big = policy with { BasePerKind = new Dictionary<string, BigInteger> { ["data"] = 1_000_000 }, CapPerAddressPerEpoch = TokenAmount.OneToken };
        Assert.Equal(new BigInteger(1_000_000L * 33 * 3_333 / 1_000_000), big.RewardFor("data", 33, 0, RewardEvidence.Automated));
    }
}
