using System.Text.Json;
using CommunityAI.Governance.Domain;

namespace CommunityAI.Governance.Tests;

/// <summary>Reward and scoring policy proposals are checked by the owning services' own rules when they are made.</summary>
public class PolicyPayloadRulesTests
{
    private static readonly PoliciesOnRecord OnRecord = new(3, new HashSet<string> { "scoring-1" });

    private static IReadOnlyDictionary<string, string> Check(string kind, string json)
    {
        using var payload = JsonDocument.Parse(json);
        return PayloadRules.Check(kind, payload.RootElement, GovernanceParameters.Development, OnRecord, TimeSpan.FromHours(12));
    }

    [Theory]
    [InlineData(3_600, true)] // an hour: sealed reviews would still be taken when the window closes
    [InlineData(43_200, true)] // exactly the commit window: no time left to reveal
    [InlineData(43_201, false)]
    public void A_scoring_policy_review_window_must_outlast_quality_scorings_commit_window(int seconds, bool refused) =>
        Assert.Equal(refused, Check("scoring-policy", ScoringPolicy.Replace("AUDIT", "", StringComparison.Ordinal)
            .Replace("\"reviewWindowSeconds\":86400", $"\"reviewWindowSeconds\":{seconds}", StringComparison.Ordinal)).ContainsKey("payload.reviewWindowSeconds"));

    [Fact]
    public void A_dataset_builder_removal_names_one_address() =>
        Assert.Equal(
            [[], ["payload.builder"]],
            new[] { """{"builder":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8"}""", """{"builder":"0x12"}""" }.Select(p => Check("dataset-builder-removal", p).Keys.ToArray()));

    [Fact]
    public void A_reward_policy_above_the_version_on_record_is_accepted() =>
        Assert.Empty(Check("reward-policy", """{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","fallbackShareBasisPoints":2500}"""));

    [Fact]
    public void A_reward_policy_paying_validators_is_accepted() =>
        Assert.Empty(Check("reward-policy", """{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","validatorShareBasisPoints":1000}"""));

    [Fact]
    public void A_reward_policy_paying_by_measured_gain_is_accepted() =>
        Assert.Empty(Check("reward-policy", """{"version":4,"basePerKind":{"model":"1"},"capPerAddressPerEpoch":"10","modelGainRewardPerBasisPoint":"10000000000000000"}"""));

    [Fact]
    public void A_reward_policy_paying_by_measured_data_value_is_accepted() =>
        Assert.Empty(Check("reward-policy", """{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","dataGainRewardPerBasisPoint":"100000000000000000"}"""));

    [Theory]
    [InlineData(0)]
    [InlineData(2_500)]
    [InlineData(10_000)]
    public void A_reward_policy_giving_validators_a_share_of_dataset_revenue_is_accepted(int share) =>
        Assert.Empty(Check("reward-policy", $$"""{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","datasetValidatorShareBasisPoints":{{share}}}"""));

    [Theory]
    [InlineData("""{"version":4,"basePerKind":{"model":"1"},"capPerAddressPerEpoch":"10","modelGainRewardPerBasisPoint":"-1"}""", "payload.modelGainRewardPerBasisPoint")]
    [InlineData("""{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","datasetValidatorShareBasisPoints":10001}""", "payload.datasetValidatorShareBasisPoints")]
    [InlineData("""{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","datasetValidatorShareBasisPoints":-1}""", "payload.datasetValidatorShareBasisPoints")]
    [InlineData("""{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","datasetValidatorShareBasisPoints":"500"}""", "payload.datasetValidatorShareBasisPoints")]
    [InlineData("""{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","datasetValidatorShareBasisPoints":2.5}""", "payload.datasetValidatorShareBasisPoints")]
    [InlineData("""{"version":4,"basePerKind":{"model":"1"},"capPerAddressPerEpoch":"10","modelGainRewardPerBasisPoint":100}""", "payload.modelGainRewardPerBasisPoint")]
    [InlineData("""{"version":4,"basePerKind":{"model":"1"},"capPerAddressPerEpoch":"10","modelGainRewardPerBasisPoint":"115792089237316195423570985008687907853269984665640564039457584007913129639935"}""", "payload.modelGainRewardPerBasisPoint")]
    [InlineData("""{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","dataGainRewardPerBasisPoint":"-1"}""", "payload.dataGainRewardPerBasisPoint")]
    [InlineData("""{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","dataGainRewardPerBasisPoint":100}""", "payload.dataGainRewardPerBasisPoint")]
    [InlineData("""{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","dataGainRewardPerBasisPoint":"115792089237316195423570985008687907853269984665640564039457584007913129639935"}""", "payload.dataGainRewardPerBasisPoint")]
    [InlineData("""{"version":3,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10"}""", "payload.version")]
    [InlineData("""{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","unseenContentShareBasisPoints":-1}""", "payload.unseenContentShareBasisPoints")]
    [InlineData("""{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","validatorShareBasisPoints":10001}""", "payload.validatorShareBasisPoints")]
    [InlineData("""{"version":4,"basePerKind":{"data":"0x10"},"capPerAddressPerEpoch":"10"}""", "payload.basePerKind.data")]
    [InlineData("""{"version":"4","basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10"}""", "payload.version")]
    public void A_reward_policy_the_ledger_could_not_apply_is_refused_naming_the_field(string json, string field) =>
        Assert.Contains(field, Check("reward-policy", json).Keys);

    [Fact]
    public void A_scoring_policy_reusing_a_version_on_record_is_refused() =>
        Assert.Contains("payload.version", Check("scoring-policy", """{"version":"scoring-1"}""").Keys);

    private const string ScoringPolicy = """
        {"version":"scoring-2","automatedWeight":30,"reviewersPerContribution":3,"quorum":2,"reviewWindowSeconds":86400,
         "clipDistance":20,"reputationStart":0.5,"reputationFloor":0.05,"reputationRate":0.2,"nearDuplicateThreshold":0.8,
         "shingleLength":5,"minHashFunctions":128,"lshBands":16,"minTextLength":32AUDIT,
         "kinds":{"data":{"maxBytes":10485760,"minTextLength":0,"requireContentAddressed":false}}}
        """;

    /// <summary>The audit share is voted like every rule: absent (the default share), 0 to turn audits off, up to every case.</summary>
    [Theory]
    [InlineData("")]
    [InlineData(",\"auditBasisPoints\":0")]
    [InlineData(",\"auditBasisPoints\":2500")]
    public void A_scoring_policy_with_or_without_an_audit_share_is_accepted(string member) =>
        Assert.Empty(Check("scoring-policy", ScoringPolicy.Replace("AUDIT", member, StringComparison.Ordinal)));

    [Fact]
    public void A_scoring_policy_auditing_more_than_every_case_is_refused_naming_the_field() =>
        Assert.Contains("payload.auditBasisPoints", Check("scoring-policy", ScoringPolicy.Replace("AUDIT", ",\"auditBasisPoints\":10001", StringComparison.Ordinal)).Keys);
}
