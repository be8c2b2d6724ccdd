using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;

namespace CommunityAI.QualityScoring.Tests;

public sealed class AutomatedChecksTests
{
    private static readonly ScoringPolicyPublished Policy = new ScoringOptions().ToPolicy(DateTimeOffset.UnixEpoch);

    private static ContributionSubmitted Submitted(string kind = "data", long? size = 100, string uri = "ipfs://bafy", string? text = null) =>
        new("0x" + new string('a', 64), "0x" + new string('1', 40), kind, "0x" + new string('b', 64), uri, "1", 0, "0x", size, DateTimeOffset.UnixEpoch, text);

    [Fact]
    public void An_exact_duplicate_scores_zero_and_names_the_original()
    {
        var result = AutomatedChecks.Run(Submitted(), Policy, duplicateOf: "0xoriginal", nearest: null, DateTimeOffset.UnixEpoch);
        Assert.Equal(0, result.Score);
        Assert.Equal("0xoriginal", result.DuplicateOf);
    }

    [Fact]
    public void A_near_duplicate_at_the_threshold_is_flagged_and_below_it_is_not()
    {
        var at = AutomatedChecks.Run(Submitted(), Policy, null, new("0xclose", Policy.NearDuplicateThreshold), DateTimeOffset.UnixEpoch);
        var below = AutomatedChecks.Run(Submitted(), Policy, null, new("0xclose", Policy.NearDuplicateThreshold - 0.01), DateTimeOffset.UnixEpoch);
        Assert.Equal(("0xclose", 0), (at.NearDuplicateOf, at.Score));
        Assert.Null(below.NearDuplicateOf);
        Assert.Equal(Policy.NearDuplicateThreshold - 0.01, below.NearDuplicateSimilarity);
        Assert.Equal(80, below.Score);
    }

    [Theory]
    [InlineData("feedback", 100L, "https://x", "ok", "text:")]
    [InlineData("feedback", 70_000L, "https://x", null, "size:")]
    [InlineData("model", null, "https://x", null, "uri:")]
    [InlineData("data", 0L, "https://x", null, "size:")]
    public void Each_kind_rule_that_is_broken_is_named_and_costs_points(string kind, long? size, string uri, string? text, string rule)
    {
        var result = AutomatedChecks.Run(Submitted(kind, size, uri, text), Policy, null, null, DateTimeOffset.UnixEpoch);
        Assert.Contains(result.Violations, v => v.StartsWith(rule, StringComparison.Ordinal));
        Assert.True(result.Score <= 70 - AutomatedChecks.ViolationPenalty + 10);
    }

    [Fact]
    public void Short_texts_are_not_compared_for_near_duplicates() =>
        Assert.Null(AutomatedChecks.ComparableText(Submitted(text: "too short"), Policy));
}
