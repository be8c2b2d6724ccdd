using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.Tests;

public sealed class AdmissionDecisionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly string Validator = AnvilNode.DevAddresses[4];

    private static PolicyActivated Activation(string kind, string payload) =>
        new("0x" + new string('A', 64), kind, payload, "0x" + new string('0', 64), Now);

    [Fact]
    public void An_admission_admits_a_validator_not_admitted_and_names_it_checksummed_with_the_proposal()
    {
        var decided = Assert.IsType<ValidatorAdmitted>(AdmissionDecision.Decide(
            Activation("validator-admission", $"{{\"validator\":\"{Validator.ToLowerInvariant()}\"}}"), null, Now));
        Assert.Equal(Validator, decided.Validator);
        Assert.Equal("0x" + new string('a', 64), decided.ProposalId);
    }

    [Fact]
    public void Admitting_the_admitted_or_removing_the_unadmitted_changes_nothing()
    {
        var payload = $"{{\"validator\":\"{Validator}\"}}";
        Assert.Null(AdmissionDecision.Decide(Activation("validator-admission", payload), new ValidatorAdmission(Validator, true, null, Now), Now));
        Assert.Null(AdmissionDecision.Decide(Activation("validator-removal", payload), null, Now));
        Assert.Null(AdmissionDecision.Decide(Activation("validator-removal", payload), new ValidatorAdmission(Validator, false, null, Now), Now));
        Assert.IsType<ValidatorRemoved>(AdmissionDecision.Decide(Activation("validator-removal", payload), new ValidatorAdmission(Validator, true, null, Now), Now));
    }

    [Theory]
    [InlineData("scoring-policy", "{\"validator\":\"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65\"}")]
    [InlineData("validator-admission", "{\"validator\":\"0x1234\"}")]
    [InlineData("validator-admission", "{\"builder\":\"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65\"}")]
    [InlineData("validator-admission", "not json")]
    [InlineData("validator-admission", "[]")]
    public void Another_kind_or_a_payload_naming_no_address_admits_nobody(string kind, string payload) =>
        Assert.Null(AdmissionDecision.Decide(Activation(kind, payload), null, Now));

    [Fact]
    public void The_genesis_set_is_checksummed_without_repeats_and_sorted()
    {
        var set = AdmissionDecision.GenesisSet([Validator.ToLowerInvariant(), AnvilNode.DevAddresses[3], Validator]);
        Assert.Equal(new[] { AnvilNode.DevAddresses[4], AnvilNode.DevAddresses[3] }.Order(StringComparer.Ordinal), set);
    }
}
