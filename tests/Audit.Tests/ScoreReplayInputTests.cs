using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Scores;

namespace CommunityAI.Audit.Tests;

/// <summary>The score replay on hand-made events: malformed and hostile bodies are findings, never crashes.</summary>
public sealed class ScoreReplayInputTests
{
    private const string Id = "0x1111111111111111111111111111111111111111111111111111111111111111";
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Policy = """{"version":"scoring-1","automatedWeight":40,"quorum":1,"clipDistance":15}""";

    private static LogEvent Event(long index, string type, string json) =>
        new(index, index, index + 1, "scoring/x", type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());

    private static ScoreReplayResult Replay(params (string Type, string Json)[] events)
    {
        var replay = new ScoreReplay(CommunityAI.Testing.TestChain.Domain);
        for (var i = 0; i < events.Length; i++)
            replay.Add(Event(i, events[i].Type, events[i].Json));
        return replay.Finish();
    }

    [Theory]
    [InlineData("""{"contributionId":"0x11","score":"high"}""")]
    [InlineData("""{"contributionId":"0x11","score":5,"policyVersion":"scoring-1","components":"none"}""")]
    [InlineData("""{"contributionId":"0x11","score":5,"policyVersion":"scoring-1","components":{"automatedScore":5,"automatedWeight":40,"flags":[1]}}""")]
    [InlineData("[]")]
    public void A_malformed_score_is_a_finding(string body)
    {
        var result = Replay(("scoring_policy_published", Policy), ("contribution_scored", body));

        Assert.Equal("malformed score", Assert.Single(result.Findings).What);
        Assert.Equal(0, result.RecomputedEqual);
    }

    [Fact]
    public void A_review_with_an_unusable_signature_or_nonce_is_a_signature_finding()
    {
        var result = Replay(
            ("scoring_policy_published", Policy),
            ("automated_checks_completed", $$"""{"contributionId":"{{Id}}","score":70}"""),
            ("reviewers_assigned", $$"""{"contributionId":"{{Id}}","quorum":1,"reviewers":[{"validator":"{{Alice}}","reputation":0.5}]}"""),
            ("review_submitted", $$"""{"contributionId":"{{Id}}","validator":"{{Alice}}","score":80,"verdict":"accept","nonce":"-3","deadline":1,"signature":"0x12"}"""),
            ("contribution_scored", $$"""
                {"contributionId":"{{Id}}","score":76,"policyVersion":"scoring-1",
                 "components":{"automatedScore":70,"consensusScore":80,"consensusVerdict":"accept","automatedWeight":40,"flags":[]},
                 "reviews":[{"validator":"{{Alice}}","score":80,"verdict":"accept","reputation":0.5,"clipped":false}]}
                """));

        Assert.Equal(["review signature"], result.Findings.Select(f => f.What));
        Assert.Equal(1, result.ByConsensus);
    }

    [Fact]
    public void An_unknown_fallback_and_a_score_without_components_are_told_apart()
    {
        var result = Replay(
            ("scoring_policy_published", Policy),
            ("automated_checks_completed", $$"""{"contributionId":"{{Id}}","score":70}"""),
            ("contribution_scored", $$$"""{"contributionId":"{{{Id}}}","score":70,"policyVersion":"scoring-1","fallback":"because","components":{"automatedScore":70,"automatedWeight":40,"flags":[]}}"""),
            ("contribution_scored", """{"contributionId":"0x22","contributor":"x","score":50,"policyVersion":"v1"}"""));

        Assert.Equal(["fallback"], result.Findings.Select(f => f.What));
        Assert.Equal(1, result.WithoutComponents);
        Assert.Equal(2, result.Scored);
        Assert.Equal(0, result.RecomputedEqual);
    }

    [Fact]
    public void A_policy_republished_with_other_rules_is_a_finding()
    {
        var result = Replay(
            ("scoring_policy_published", Policy),
            ("scoring_policy_published", """{"version":"scoring-1","automatedWeight":90,"quorum":1,"clipDistance":15}"""));

        Assert.Equal("policy republished", Assert.Single(result.Findings).What);
    }
}
