using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;

namespace CommunityAI.QualityScoring.Tests;

/// <summary>
/// The lean rule (<see cref="ScoringPolicyPublished.LeanAuditPoints"/>): each revealed review's distance from its consensus,
/// summed per reviewer and contributor; two reviews averaging the policy's points either way target the case, one never
/// does, and nothing is tallied from a score that is no consensus.
/// </summary>
public sealed class LeanAuditTests
{
    private const string Contributor = "0xAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAa";
    private const string Leaner = "0xBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBb";
    private const string Other = "0xCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCc";

    [Fact]
    public void Two_reviews_averaging_the_points_above_the_consensus_target_the_second_case_and_one_never_does()
    {
        var tallies = new Dictionary<string, ReviewerLean>(StringComparer.Ordinal);
        // 75 against a consensus of 60: 15 points, far more than the policy's 10, and still one case only.
        var first = Record(tallies, Scored(60, (Leaner, 75), (Other, 60)));
        Assert.False(LeanAudit.Targets(first, 10));
        // 66 against 60: 6 points; together 21 over two cases, 10.5 on average.
        var second = Record(tallies, Scored(60, (Leaner, 66), (Other, 61)));
        Assert.True(LeanAudit.Targets(second, 10));
        Assert.False(LeanAudit.Targets(second, 11));
        Assert.False(LeanAudit.Targets(second, 0));
        var lean = tallies[ReviewerLean.IdFor(Leaner, Contributor)];
        Assert.Equal((2, 21L), (lean.Cases, lean.Points));
        Assert.Equal((Leaner + "/" + Contributor).ToLowerInvariant(), lean.Id);
    }

    [Fact]
    public void A_lean_against_the_contributor_counts_as_one_toward_it()
    {
        var tallies = new Dictionary<string, ReviewerLean>(StringComparer.Ordinal);
        Record(tallies, Scored(60, (Leaner, 48), (Other, 60)));
        Assert.True(LeanAudit.Targets(Record(tallies, Scored(70, (Leaner, 58), (Other, 70))), 10));
    }

    [Fact]
    public void Honest_noise_either_side_cancels_out()
    {
        var tallies = new Dictionary<string, ReviewerLean>(StringComparer.Ordinal);
        Record(tallies, Scored(60, (Leaner, 78), (Other, 60)));
        Assert.False(LeanAudit.Targets(Record(tallies, Scored(60, (Leaner, 45), (Other, 60))), 10));
        Assert.Equal(3, tallies[ReviewerLean.IdFor(Leaner, Contributor)].Points);
    }

    [Fact]
    public void A_score_that_is_no_consensus_tallies_nothing()
    {
        var fallback = Scored(60, (Leaner, 90)) with { Fallback = ScoreDecision.NoQuorum, Components = null };
        Assert.Empty(LeanAudit.Tally(fallback, new Dictionary<string, ReviewerLean>()));
    }

    private static IReadOnlyList<ReviewerLean> Record(Dictionary<string, ReviewerLean> tallies, ContributionScored scored)
    {
        var after = LeanAudit.Tally(scored, tallies);
        foreach (var tally in after)
            tallies[tally.Id] = tally;
        return after;
    }

    private static ContributionScored Scored(int consensus, params (string Validator, int Score)[] reviews) =>
        new("0x" + new string('1', 64), Contributor, "data", consensus, "scoring-1", DateTimeOffset.UnixEpoch,
            new ScoreComponents(consensus, consensus, "accept", 30, []),
            [.. reviews.Select(r => new ScoredReview(r.Validator, r.Score, "accept", 0.5m, false))], null);
}
