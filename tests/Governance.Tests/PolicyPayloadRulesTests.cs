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
        return PayloadRules.Check(kind, payload.RootElement, GovernanceParameters.Development, OnRecord);
    }

    [Fact]
    public void A_reward_policy_above_the_version_on_record_is_accepted() =>
        Assert.Empty(Check("reward-policy", """{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","fallbackShareBasisPoints":2500}"""));

    [Fact]
    public void A_reward_policy_paying_validators_is_accepted() =>
        Assert.Empty(Check("reward-policy", """{"version":4,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"10","validatorShareBasisPoints":1000}"""));

    [Theory]
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
}
