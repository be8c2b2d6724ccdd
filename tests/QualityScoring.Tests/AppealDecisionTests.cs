using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;

namespace CommunityAI.QualityScoring.Tests;

/// <summary>The appeal's rules on hand-made cases: who may sit on the panel, and how the panel's reviews decide.</summary>
public sealed class AppealDecisionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private static readonly string Id = "0x" + new string('a', 64);
    private static readonly string AppealId = "0x" + new string('c', 64);
    private static readonly string Contributor = $"0x{99:x40}";
    private static readonly ScoringPolicyPublished Policy =
        new ScoringOptions { AutomatedWeight = 30, ClipDistance = 20, Quorum = 2, ReviewersPerContribution = 3 }.ToPolicy(Now);

    private static string V(int i) => $"0x{i:x40}";

    /// <summary>Scored 40 by validators 1–3 (reviews 36, 36, 60).</summary>
    private static ScoringCase Scored()
    {
        var checks = new AutomatedChecksCompleted(Id, Contributor, "data", "0x" + new string('b', 64), "ipfs://x", 10, null,
            Policy.Version, null, null, null, [], 50, Now);
        var first = new[] { 1, 2, 3 }.Select(i => new AssignedReviewer(V(i), 0.5m)).ToList();
        var @case = ScoringCase.Create(checks).Apply(new ReviewersAssigned(Id, first, 3, 2, Now, Policy.Version, Now))
            .Apply(Review(1, 36)).Apply(Review(2, 36)).Apply(Review(3, 60));
        return @case.Apply(ScoreDecision.Finalise(@case, Policy, first.ToDictionary(r => r.Validator, r => r.Reputation), Now).Scored);
    }

    /// <summary>The case above, appealed, with a panel of <paramref name="panel"/>.</summary>
    private static ScoringCase Appealed(int[] panel)
    {
        var @case = Scored();
        var drawn = panel.Select(i => new AssignedReviewer(V(i), 0.5m)).ToList();
        return @case.Apply(new AppealFiled(AppealId, Id, Contributor, "why", "1", 0, "0x", @case.Scored!.Score, Now))
            .Apply(new AppealReviewersAssigned(Id, AppealId, drawn, drawn.Count / 2 + 1, 0, "0x" + new string('d', 64), drawn, Now, Now, Policy.Version, Now));
    }

    private static ReviewSubmitted Review(int validator, int score) => new(Id, V(validator), score, "accept", "1", 0, "0x", Now);

    private static Dictionary<string, decimal> Reputations() =>
        Enumerable.Range(1, 8).ToDictionary(V, _ => 0.5m, StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void The_panel_never_holds_the_contributor_or_a_first_round_reviewer_and_is_the_same_from_the_same_seed()
    {
        var @case = Scored();
        var everyone = Enumerable.Range(1, 8).Select(i => new ReviewerSelection.Validator(V(i), 0.5m, Now)).Append(new(Contributor, 0.9m, Now)).ToList();
        var secret = "0x" + new string('e', 64);

        var panel = AppealDecision.Panel(@case, AppealId, everyone, 5, 3, secret, Now.AddDays(-1), TimeSpan.FromHours(1), TimeSpan.FromHours(2), Now)!;
        var again = AppealDecision.Panel(@case, AppealId, everyone, 5, 3, secret, Now.AddDays(-1), TimeSpan.FromHours(1), TimeSpan.FromHours(2), Now)!;

        Assert.Equal(new[] { 4, 5, 6, 7, 8 }.Select(V).Order(), panel.Reviewers.Select(r => r.Validator).Order());
        Assert.DoesNotContain(panel.Candidates, c => c.Validator == Contributor || c.Validator == V(1));
        Assert.Equal(panel.Reviewers, again.Reviewers);
        Assert.Equal((3, 3L), (panel.Quorum, panel.SeedRound));
        Assert.Null(AppealDecision.Panel(@case, AppealId, everyone.Take(3).ToList(), 5, 3, secret, Now, TimeSpan.FromHours(1), TimeSpan.FromHours(2), Now));
    }

    [Fact]
    public void With_a_quorum_the_panel_decides_and_first_round_reviewers_move_toward_their_agreement_with_it()
    {
        var @case = Appealed([4, 5, 6, 7, 8]).Apply(Review(4, 80)).Apply(Review(5, 82)).Apply(Review(6, 78));

        var (decided, moves) = AppealDecision.Decide(@case, Policy, Reputations(), Now);

        Assert.Equal((30 * 50 + 70 * 80 + 50) / 100, decided.FinalScore);
        Assert.Equal((AppealDecision.Changed, @case.First!.Scored.Score), (decided.Outcome, decided.FirstScore));
        var appealMoves = moves.Where(m => m.Reason == AppealDecision.Appeal).ToList();
        Assert.Equal(new[] { 1, 2, 3 }.Select(V), appealMoves.Select(m => m.Validator));
        // 36 is 44 from the panel's 80: no agreement, reputation down; 60 is 20 away: at the clip, agreement 0 too.
        Assert.All(appealMoves, m => Assert.True(m.Next < m.Previous && m.Agreement == 0));
        // The panel's own moves follow the first round's rule.
        Assert.Equal(3, moves.Count(m => m.Reason is null));
        Assert.Equal(71, @case.Apply(decided).Scored!.Score);
        // The first round measured again for the ledger: 36 and 36 lie 44 from the panel's 80, clipped; 60 lies 20, not clipped.
        Assert.Equal([(V(1), 36, true), (V(2), 36, true), (V(3), 60, false)], decided.FirstRound!.Select(r => (r.Validator, r.Score, r.Clipped)));
        // And each one's agreement with the panel's consensus, which its pay is weighed by: 60 at the clip agrees 0.
        Assert.All(decided.FirstRound!, r => Assert.Equal(0m, r.Agreement));
        Assert.Equal([(V(4), 1m), (V(5), 0.9m), (V(6), 0.9m)], decided.Reviews.Select(r => (r.Validator, r.Agreement!.Value)));
        Assert.Equal(@case.First!.Scored.Reviews!.Select(r => r.Reputation), decided.FirstRound!.Select(r => r.Reputation));
        Assert.Equal([false, false, true], @case.First!.Scored.Reviews!.Select(r => r.Clipped));
    }

    [Fact]
    public void Short_of_a_quorum_the_first_score_stands_and_nobody_is_measured_against_it()
    {
        var @case = Appealed([4, 5, 6, 7, 8]).Apply(Review(4, 90)).Apply(Review(5, 90));

        var (decided, moves) = AppealDecision.Decide(@case, Policy, Reputations(), Now);

        Assert.Equal((AppealDecision.NoQuorum, decided.FirstScore), (decided.Outcome, decided.FinalScore));
        Assert.DoesNotContain(moves, m => m.Reason == AppealDecision.Appeal);
        Assert.Equal(@case.First!.Scored, @case.Apply(decided).Scored);
        Assert.Equal(@case.First!.Scored.Reviews, decided.FirstRound);
    }
}
