using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;

namespace CommunityAI.QualityScoring.Tests;

/// <summary>
/// The draw's lean rule (<see cref="ScoringPolicyPublished.LeanExclusionPoints"/>): a validator whose kept reviews of one
/// contributor average the policy's points above the consensus, over two cases or more, is no candidate for that
/// contributor; one case, a lean below the consensus, another contributor's cases, and a policy without the rule exclude
/// nobody.
/// </summary>
public sealed class LeanExclusionTests
{
    private const string Contributor = "0xAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAa";
    private const string OtherContributor = "0xDdDdDdDdDdDdDdDdDdDdDdDdDdDdDdDdDdDdDdDd";
    private const string Leaner = "0xBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBb";
    private const string Other = "0xCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCc";
    private const string Third = "0xEeEeEeEeEeEeEeEeEeEeEeEeEeEeEeEeEeEeEeEe";
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    [Fact]
    public void A_reviewer_favouring_a_contributor_over_two_cases_is_no_candidate_for_it_and_the_others_still_are()
    {
        var tallies = new Dictionary<string, ReviewerLean>(StringComparer.Ordinal);
        // 75 against a consensus of 60: one case is no lean, however far.
        Record(tallies, Scored(Contributor, 60, (Leaner, 75), (Other, 60)));
        Assert.Equal([Leaner, Other, Third], Candidates(Contributor, tallies, 10));
        // 66 against 60: 21 points over two cases, 10.5 on average.
        Record(tallies, Scored(Contributor, 60, (Leaner, 66), (Other, 61)));
        Assert.Equal([Other, Third], Candidates(Contributor, tallies, 10));
        Assert.Equal([Leaner, Other, Third], Candidates(Contributor, tallies, 11));
        Assert.Equal([Leaner, Other, Third], Candidates(Contributor, tallies, LeanExclusion.None));
        // Its lean is toward this contributor only: it is still drawn for anybody else's work.
        Assert.Equal([Leaner, Other, Third], Candidates(OtherContributor, tallies, 10));
    }

    [Fact]
    public void A_lean_below_the_consensus_excludes_nobody()
    {
        // An audit counts it either way; the draw does not, or a majority inflating a case would shut out the honest minority.
        var tallies = new Dictionary<string, ReviewerLean>(StringComparer.Ordinal);
        Record(tallies, Scored(Contributor, 60, (Leaner, 45), (Other, 60)));
        Record(tallies, Scored(Contributor, 70, (Leaner, 55), (Other, 70)));
        Assert.True(tallies[ReviewerLean.IdFor(Leaner, Contributor)].Leans(10));
        Assert.Equal([Leaner, Other, Third], Candidates(Contributor, tallies, 10));
    }

    [Fact]
    public void Honest_noise_either_side_cancels_out()
    {
        var tallies = new Dictionary<string, ReviewerLean>(StringComparer.Ordinal);
        Record(tallies, Scored(Contributor, 60, (Leaner, 78), (Other, 60)));
        Record(tallies, Scored(Contributor, 60, (Leaner, 50), (Other, 60)));
        Assert.Equal([Leaner, Other, Third], Candidates(Contributor, tallies, 10));
    }

    [Fact]
    public void The_tallies_are_kept_while_either_rule_that_reads_them_is_on()
    {
        var policy = new ScoringOptions().ToPolicy(Now);
        Assert.True(LeanExclusion.Counts(policy with { LeanAuditPoints = 0, LeanExclusionPoints = 10 }));
        Assert.True(LeanExclusion.Counts(policy with { LeanAuditPoints = 10, LeanExclusionPoints = 0 }));
        Assert.False(LeanExclusion.Counts(policy with { LeanAuditPoints = 0, LeanExclusionPoints = 0 }));
        // A policy recorded before either member existed.
        Assert.False(LeanExclusion.Counts(policy with { LeanAuditPoints = null, LeanExclusionPoints = null }));
    }

    /// <summary>The candidates for <paramref name="contributor"/>'s next case among three live validators, in address order.</summary>
    private static string[] Candidates(string contributor, Dictionary<string, ReviewerLean> tallies, int points)
    {
        var validators = new[] { Leaner, Other, Third }.Select(v => new ReviewerSelection.Validator(v, 0.5m, Now)).ToList();
        var excluded = LeanExclusion.Excluded(tallies.Values.Where(t => t.Contributor == contributor.ToLowerInvariant()), points);
        return [.. ReviewerSelection.Candidates(contributor, LeanExclusion.Drawable(validators, excluded), 3, Now).Select(c => c.Validator)];
    }

    private static void Record(Dictionary<string, ReviewerLean> tallies, ContributionScored scored)
    {
        foreach (var tally in LeanAudit.Tally(scored, tallies))
            tallies[tally.Id] = tally;
    }

    private static ContributionScored Scored(string contributor, int consensus, params (string Validator, int Score)[] reviews) =>
        new("0x" + new string('1', 64), contributor, "data", consensus, "scoring-1", Now,
            new ScoreComponents(consensus, consensus, "accept", 30, []),
            [.. reviews.Select(r => new ScoredReview(r.Validator, r.Score, "accept", 0.5m, false))], null);
}
