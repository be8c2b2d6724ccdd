using System.Text.Json;
using CommunityAI.Formats.Policies;

namespace CommunityAI.Formats.Tests.Policies;

public class ContributionInvalidationTests
{
    private const string Id = "0xAA00000000000000000000000000000000000000000000000000000000000001";

    private static (ContributionInvalidation? Invalidation, IReadOnlyDictionary<string, string> Problems) Read(string json)
    {
        using var payload = JsonDocument.Parse(json);
        return ContributionInvalidation.Read(payload.RootElement);
    }

    [Fact]
    public void A_valid_payload_reads_with_the_id_in_lower_case_and_other_properties_ignored()
    {
        var json = $$$"""{"contributionId":"{{{Id}}}","reason":"plagiarised","note":{"any":[1,2]}}""";

        var (invalidation, problems) = Read(json);

        Assert.Empty(problems);
        Assert.Equal(new ContributionInvalidation(Id.ToLowerInvariant(), "plagiarised"), invalidation);
        Assert.Equal(invalidation, ContributionInvalidation.FromActivation(ContributionInvalidation.Kind, json));
    }

    [Theory]
    [InlineData("""{"reason":"x"}""", "contributionId")]
    [InlineData("""{"contributionId":"0xaa00000000000000000000000000000000000000000000000000000000000001"}""", "reason")]
    [InlineData("""{"contributionId":42,"reason":"x"}""", "contributionId")]
    [InlineData("""{"contributionId":"0xaa00000000000000000000000000000000000000000000000000000000000001","reason":7}""", "reason")]
    [InlineData("""{"contributionId":"0x01","reason":"x"}""", "contributionId")]
    [InlineData("""{"contributionId":"aa00000000000000000000000000000000000000000000000000000000000001aa","reason":"x"}""", "contributionId")]
    [InlineData("""{"contributionId":"0xzz00000000000000000000000000000000000000000000000000000000000001","reason":"x"}""", "contributionId")]
    [InlineData("""{"contributionId":null,"reason":"x"}""", "contributionId")]
    [InlineData("""{"contributionId":"0xaa00000000000000000000000000000000000000000000000000000000000001","reason":""}""", "reason")]
    [InlineData("""[]""", "")]
    [InlineData("\"0xaa\"", "")]
    public void A_missing_or_mistyped_field_is_named_and_reads_as_nothing(string json, string field)
    {
        var (invalidation, problems) = Read(json);

        Assert.Null(invalidation);
        Assert.Equal([field], problems.Keys);
        Assert.Null(ContributionInvalidation.FromActivation(ContributionInvalidation.Kind, json));
    }

    [Fact]
    public void A_reason_longer_than_the_limit_is_refused_and_one_at_it_accepted()
    {
        var atLimit = JsonSerializer.Serialize(new { contributionId = Id, reason = new string('r', ContributionInvalidation.MaxReasonLength) });
        var over = JsonSerializer.Serialize(new { contributionId = Id, reason = new string('r', ContributionInvalidation.MaxReasonLength + 1) });

        Assert.NotNull(ContributionInvalidation.FromActivation(ContributionInvalidation.Kind, atLimit));
        Assert.Null(ContributionInvalidation.FromActivation(ContributionInvalidation.Kind, over));
        Assert.Equal(["reason"], Read(over).Problems.Keys);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("""{"contributionId":"0xaa00000000000000000000000000000000000000000000000000000000000001","reason":"x" """)]
    [InlineData("""{"contributionId":"0xaa00000000000000000000000000000000000000000000000000000000000001","contributionId":"0xbb","reason":"x"}""")]
    public void Hostile_text_reads_as_nothing_without_throwing(string payload) =>
        Assert.Null(ContributionInvalidation.FromActivation(ContributionInvalidation.Kind, payload));

    [Fact]
    public void Nesting_past_the_parser_depth_and_a_megabyte_of_padding_read_as_nothing_without_throwing()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var padded = $$"""{"contributionId":"{{Id}}","reason":"{{new string('r', 1 << 20)}}"}""";

        Assert.Null(ContributionInvalidation.FromActivation(ContributionInvalidation.Kind, deep));
        Assert.Null(ContributionInvalidation.FromActivation(ContributionInvalidation.Kind, padded));
        Assert.Null(ContributionInvalidation.FromActivation(ContributionInvalidation.Kind, null));
    }

    [Fact]
    public void Another_kind_is_no_invalidation_whatever_its_payload() =>
        Assert.Null(ContributionInvalidation.FromActivation("reward-policy", $$"""{"contributionId":"{{Id}}","reason":"x"}"""));
}
