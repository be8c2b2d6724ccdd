using System.Numerics;
using CommunityAI.Formats.Policies;
using CommunityAI.RewardLedger.Domain;

namespace CommunityAI.RewardLedger.Tests;

public class RewardPolicyDraftTests
{
    private static RewardPolicyDraft Valid => new(2, new() { ["data"] = "5000000000000000000" }, 30, 2, "100000000000000000000");

    [Fact]
    public void A_valid_draft_with_a_greater_version_becomes_the_policy()
    {
        var (policy, errors) = Valid.Validate(RewardPolicy.Initial.Version);
        Assert.Empty(errors);
        Assert.Equal(2, policy!.Version);
        Assert.Equal(2, policy.ScoreExponent);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(0L)]
    [InlineData(-3L)]
    public void A_version_not_above_the_policy_in_force_is_refused(long version)
    {
        var (policy, errors) = (Valid with { Version = version }).Validate(RewardPolicy.Initial.Version);
        Assert.Null(policy);
        Assert.Contains("version", errors.Keys);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e18")]
    [InlineData(" 1")]
    [InlineData("0x10")]
    [InlineData("")]
    [InlineData("115792089237316195423570985008687907853269984665640564039457584007913129639936")] // 2^256
    [InlineData("99999999999999999999999999999999999999999999999999999999999999999999999999999999")]
    public void Negative_malformed_or_overflowing_amounts_are_refused(string amount)
    {
        var (_, baseErrors) = (Valid with { BasePerKind = new() { ["data"] = amount } }).Validate(RewardPolicy.Initial.Version);
        Assert.Contains("basePerKind.data", baseErrors.Keys);
        var (_, capErrors) = (Valid with { CapPerAddressPerEpoch = amount }).Validate(RewardPolicy.Initial.Version);
        Assert.Contains("capPerAddressPerEpoch", capErrors.Keys);
    }

    [Fact]
    public void The_largest_uint256_amount_is_accepted()
    {
        var max = TokenAmount.Format(TokenAmount.MaxUint256);
        var (policy, errors) = (Valid with { BasePerKind = new() { ["data"] = max }, CapPerAddressPerEpoch = max }).Validate(null);
        Assert.Empty(errors);
        Assert.Equal(TokenAmount.MaxUint256, policy!.CapPerAddressPerEpoch);
    }

    [Fact]
    public void The_gain_reward_is_zero_unless_set_and_pays_gain_times_rate_for_a_positive_gain_only()
    {
        var (unset, _) = Valid.Validate(null);
        Assert.Equal(BigInteger.Zero, unset!.GainRewardFor(10_000));
        var (policy, errors) = (Valid with { ModelGainRewardPerBasisPoint = "10000000000000000" }).Validate(null);
        Assert.Empty(errors);
        Assert.Equal(750 * TokenAmount.OneToken / 100, policy!.GainRewardFor(750));
        Assert.Equal(BigInteger.Zero, policy.GainRewardFor(0));
        Assert.Equal(BigInteger.Zero, policy.GainRewardFor(-40));
        // The genesis policy pays nothing for gains, and its document says so.
        Assert.Equal(BigInteger.Zero, RewardPolicy.Initial.ModelGainRewardPerBasisPoint);
        Assert.Equal("0", RewardPolicyDraft.From(RewardPolicy.Initial).ModelGainRewardPerBasisPoint);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("11579208923731619542357098500868790785326998466564056403945758400791312964")] // (2^256 - 1) / 10000 + 1
    public void A_gain_reward_that_is_malformed_or_could_leave_uint256_at_a_full_gain_is_refused(string rate)
    {
        var (_, errors) = (Valid with { ModelGainRewardPerBasisPoint = rate }).Validate(null);
        Assert.Equal(["modelGainRewardPerBasisPoint"], errors.Keys);
        var (largest, none) = (Valid with { ModelGainRewardPerBasisPoint = TokenAmount.Format(RewardPolicy.MaxModelGainRewardPerBasisPoint) }).Validate(null);
        Assert.Empty(none);
        Assert.True(largest!.GainRewardFor(10_000) <= TokenAmount.MaxUint256);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("11579208923731619542357098500868790785326998466564056403945758400791312964")] // (2^256 - 1) / 10000 + 1
    public void A_data_gain_reward_that_is_malformed_or_could_leave_uint256_at_a_full_gain_is_refused(string rate)
    {
        var (_, errors) = (Valid with { DataGainRewardPerBasisPoint = rate }).Validate(null);
        Assert.Equal(["dataGainRewardPerBasisPoint"], errors.Keys);
    }

    [Fact]
    public void A_batch_pool_is_split_by_examples_exactly_with_the_units_left_to_the_first_shares()
    {
        var (unset, _) = Valid.Validate(null);
        Assert.Equal([BigInteger.Zero, BigInteger.Zero], unset!.DataValueRewardsFor(300, [1, 2]));
        Assert.Equal("0", RewardPolicyDraft.From(RewardPolicy.Initial).DataGainRewardPerBasisPoint);
        var (policy, errors) = (Valid with { DataGainRewardPerBasisPoint = "10" }).Validate(null);
        Assert.Empty(errors);
        // Pool 7 · 10 = 70 over 1 + 1 + 1 examples: 23 each, one unit left, to the first share.
        Assert.Equal([new BigInteger(24), 23, 23], policy!.DataValueRewardsFor(7, [1, 1, 1]));
        // Pool 1,000 over 1 + 3: 250 and 750, nothing left.
        Assert.Equal([new BigInteger(250), 750], policy.DataValueRewardsFor(100, [1, 3]));
        // No gain, a loss, or nothing measured: every share gets 0.
        foreach (var gain in new int?[] { 0, -25, null })
            Assert.All(policy.DataValueRewardsFor(gain, [2, 5]), a => Assert.Equal(BigInteger.Zero, a));
        // A full gain at the largest rate, over many small shares, stays exact and within uint256.
        var (largest, _) = (Valid with { DataGainRewardPerBasisPoint = TokenAmount.Format(RewardPolicy.MaxModelGainRewardPerBasisPoint) }).Validate(null);
        var shares = Enumerable.Range(1, 97).ToList();
        var amounts = largest!.DataValueRewardsFor(10_000, shares);
        Assert.Equal(10_000 * RewardPolicy.MaxModelGainRewardPerBasisPoint, amounts.Aggregate(BigInteger.Zero, (a, b) => a + b));
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.DataValueRewardsFor(5, [1, 0]));
    }

    [Fact]
    public void Unknown_kinds_are_refused_by_name()
    {
        var (_, errors) = (Valid with { BasePerKind = new() { ["data"] = "1", ["memes"] = "1" } }).Validate(null);
        Assert.Equal(["basePerKind.memes"], errors.Keys);
        Assert.Contains("unknown kind", errors["basePerKind.memes"][0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void An_exponent_outside_one_to_four_is_refused(int exponent)
    {
        var (_, errors) = (Valid with { ScoreExponent = exponent }).Validate(null);
        Assert.Contains("scoreExponent", errors.Keys);
    }

    [Fact]
    public void Missing_fields_are_each_named()
    {
        var (_, errors) = new RewardPolicyDraft(null, null, -1, null, null).Validate(null);
        Assert.Equal(["basePerKind", "capPerAddressPerEpoch", "version", "zeroBelowScore"], errors.Keys.Order());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void A_share_outside_zero_to_ten_thousand_basis_points_is_refused(int share)
    {
        Assert.Contains("fallbackShareBasisPoints", (Valid with { FallbackShareBasisPoints = share }).Validate(null).Errors.Keys);
        Assert.Contains("unseenContentShareBasisPoints", (Valid with { UnseenContentShareBasisPoints = share }).Validate(null).Errors.Keys);
    }

    [Fact]
    public void Absent_shares_mean_nothing_is_paid_without_evidence()
    {
        var (policy, _) = Valid.Validate(null);
        Assert.Equal(0, policy!.FallbackShareBasisPoints);
        Assert.Equal(0, policy.UnseenContentShareBasisPoints);
    }

    [Theory]
    [InlineData("""{"version":"seven","basePerKind":{"data":"1"},"capPerAddressPerEpoch":"1"}""", "version")]
    [InlineData("""{"version":3,"basePerKind":{"data":1},"capPerAddressPerEpoch":"1"}""", "basePerKind.data")]
    [InlineData("""{"version":3,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"1","fallbackShare":10000}""", "fallbackShare")]
    [InlineData("""[1,2]""", "")]
    public void A_payload_of_the_wrong_shape_is_refused_naming_the_member(string json, string member)
    {
        using var payload = System.Text.Json.JsonDocument.Parse(json);
        var (draft, errors) = RewardPolicyDraft.Read(payload.RootElement);
        Assert.Null(draft);
        Assert.Contains(member, errors.Keys);
    }

    [Fact]
    public void A_validator_share_is_read_and_validated_and_absent_means_zero()
    {
        using var payload = System.Text.Json.JsonDocument.Parse(
            """{"version":3,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"1","validatorShareBasisPoints":1500}""");
        var (draft, readErrors) = RewardPolicyDraft.Read(payload.RootElement);
        Assert.Empty(readErrors);
        Assert.Equal(1_500, draft!.Validate(null).Policy!.ValidatorShareBasisPoints);
        Assert.Equal(0, Valid.Validate(null).Policy!.ValidatorShareBasisPoints);

        Assert.Contains("validatorShareBasisPoints", (Valid with { ValidatorShareBasisPoints = 10_001 }).Validate(null).Errors.Keys);
        Assert.Contains("validatorShareBasisPoints", (Valid with { ValidatorShareBasisPoints = -1 }).Validate(null).Errors.Keys);
    }

    [Fact]
    public void A_dataset_validator_share_is_read_validated_recorded_and_absent_means_zero()
    {
        using var payload = System.Text.Json.JsonDocument.Parse(
            """{"version":3,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"1","datasetValidatorShareBasisPoints":2500}""");
        var (draft, readErrors) = RewardPolicyDraft.Read(payload.RootElement);
        Assert.Empty(readErrors);
        var policy = draft!.Validate(null).Policy!;
        Assert.Equal(2_500, policy.DatasetValidatorShareBasisPoints);
        Assert.Equal(250, policy.DatasetValidatorPoolFor(1_001));
        Assert.Equal(0, Valid.Validate(null).Policy!.DatasetValidatorShareBasisPoints);
        Assert.Equal(0, RewardPolicy.Initial.DatasetValidatorShareBasisPoints);
        // Through the history and back: the ledger's record keeps it, and a record from before it existed means 0.
        Assert.Equal(policy, RewardPolicyRecord.FromEvent(policy.ToEvent(DateTimeOffset.UnixEpoch)) with { BasePerKind = policy.BasePerKind });
        Assert.Equal(2_500, RewardPolicyRecord.FromEvent(policy.ToEvent(DateTimeOffset.UnixEpoch)).DatasetValidatorShareBasisPoints);

        Assert.Contains("datasetValidatorShareBasisPoints", (Valid with { DatasetValidatorShareBasisPoints = 10_001 }).Validate(null).Errors.Keys);
        Assert.Contains("datasetValidatorShareBasisPoints", (Valid with { DatasetValidatorShareBasisPoints = -1 }).Validate(null).Errors.Keys);
    }

    [Fact]
    public void A_slash_is_read_and_validated_up_to_five_pools_and_absent_means_none()
    {
        using var payload = System.Text.Json.JsonDocument.Parse(
            """{"version":3,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"1","slashBasisPoints":50000}""");
        var (draft, readErrors) = RewardPolicyDraft.Read(payload.RootElement);
        Assert.Empty(readErrors);
        Assert.Equal(RewardPolicy.MaxSlashBasisPoints, draft!.Validate(null).Policy!.SlashBasisPoints);
        Assert.Equal(0, Valid.Validate(null).Policy!.SlashBasisPoints);
        Assert.Equal(RewardPolicy.DefaultSlashBasisPoints, RewardPolicy.Initial.SlashBasisPoints);

        Assert.Contains("slashBasisPoints", (Valid with { SlashBasisPoints = RewardPolicy.MaxSlashBasisPoints + 1 }).Validate(null).Errors.Keys);
        Assert.Contains("slashBasisPoints", (Valid with { SlashBasisPoints = -1 }).Validate(null).Errors.Keys);
    }

    [Fact]
    public void A_document_read_back_from_its_canonical_json_is_the_same_policy()
    {
        var draft = Valid with { FallbackShareBasisPoints = 2_000, ValidatorShareBasisPoints = 700 };
        using var payload = System.Text.Json.JsonDocument.Parse(draft.ToCanonicalJson());
        var (back, errors) = RewardPolicyDraft.Read(payload.RootElement);
        Assert.Empty(errors);
        Assert.Equal(draft.Validate(null).Policy!.Name, back!.Validate(null).Policy!.Name);
        Assert.Equal(2_000, back.FallbackShareBasisPoints);
        Assert.Equal(700, back.ValidatorShareBasisPoints);
        Assert.Equal(draft.BasePerKind, back.BasePerKind);
    }
}
