using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;

namespace Contributions.Tests;

public sealed class ContributionViewProjectionTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private const string Id = "0x01";
    private const string Contributor = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    private static ContributionView Created(long? index = 10) => ContributionViewProjection.Create(
        new ContributionSubmitted(Id, Contributor, "data", "0xaa", "ipfs://x", "1", 0, "0x", null, At), index);

    private static ContributionScored Scored(int score) => new(Id, Contributor, "data", score, "v1", At);
    private static ContributionRewarded Rewarded() => new(Id, Contributor, "5000", 2, "p1", At);
    private static TreeHeadAnchored Anchored(long size) => new(size, "0x00", 31337, "0x11", "0x22", 1, At);

    [Fact]
    public void A_new_view_is_submitted_with_its_log_index_and_nothing_else()
    {
        var view = Created();
        Assert.Equal((Id, Contributor, "data", At, 10L), (view.Id, view.Contributor, view.Kind, view.SubmittedAt, view.LogIndex!.Value));
        Assert.Equal(ContributionStatus.Submitted, view.Status);
        Assert.Null(view.Score);
        Assert.Null(view.Reward);
    }

    [Fact]
    public void A_duplicate_explains_its_zero_by_naming_the_original_and_the_similarity()
    {
        var scored = new ContributionScored(Id, Contributor, "data", 0, "scoring-1", At,
            new ScoreComponents(70, null, null, 30, ["near-duplicate"], null, "0x02", 0.91), [], null);

        var view = ContributionViewProjection.Apply(Created(), scored);

        Assert.Equal("0x02", view.Explanation!.Components!.NearDuplicateOf);
        Assert.Equal(0.91, view.Explanation.Components.NearDuplicateSimilarity);
        Assert.Contains("near-duplicate", view.Explanation.Components.Flags);
        Assert.Equal("scoring-1", view.Explanation.ScoringPolicyVersion);
    }

    [Fact]
    public void The_explanation_holds_the_reviews_the_fallback_and_both_policy_versions_in_either_order()
    {
        var reviews = new[] { new ScoredReview("0x" + new string('3', 40), 72, "accept", 0.5m, false) };
        var scored = new ContributionScored(Id, Contributor, "data", 71, "scoring-1", At,
            new ScoreComponents(70, 72, "accept", 30, []), reviews, null);

        var scoredFirst = ContributionViewProjection.Apply(ContributionViewProjection.Apply(Created(), scored), Rewarded());
        var rewardedFirst = ContributionViewProjection.Apply(ContributionViewProjection.Apply(Created(), Rewarded()), scored);

        Assert.Equal(scoredFirst.Explanation!.ScoringPolicyVersion, rewardedFirst.Explanation!.ScoringPolicyVersion);
        Assert.Equal(("scoring-1", "p1"), (scoredFirst.Explanation.ScoringPolicyVersion, scoredFirst.Explanation.RewardPolicyVersion));
        Assert.Equal("p1", rewardedFirst.Explanation.RewardPolicyVersion);
        Assert.Equal(72, Assert.Single(rewardedFirst.Explanation.Reviews).Score);
        Assert.Null(rewardedFirst.Explanation.Fallback);
    }

    [Fact]
    public void Scored_then_rewarded_then_anchored_moves_forward_and_keeps_every_fact()
    {
        var view = ContributionViewProjection.Apply(Created(), Scored(70));
        Assert.Equal((ContributionStatus.Scored, 70), (view.Status, view.Score!.Value));
        view = ContributionViewProjection.Apply(view, Rewarded());
        Assert.Equal((ContributionStatus.Rewarded, "5000", 2L), (view.Status, view.Reward, view.Epoch!.Value));
        view = ContributionViewProjection.Apply(view, Anchored(11));
        Assert.Equal((ContributionStatus.Anchored, 70, "5000"), (view.Status, view.Score!.Value, view.Reward));
    }

    [Fact]
    public void A_score_or_reward_after_the_anchor_lands_without_moving_the_status_back()
    {
        var view = ContributionViewProjection.Apply(Created(), Anchored(11));
        view = ContributionViewProjection.Apply(ContributionViewProjection.Apply(view, Scored(40)), Rewarded());
        Assert.Equal((ContributionStatus.Anchored, 40, "5000"), (view.Status, view.Score!.Value, view.Reward));
    }

    [Fact]
    public void A_reward_before_its_score_is_not_undone_by_the_score()
    {
        var view = ContributionViewProjection.Apply(ContributionViewProjection.Apply(Created(), Rewarded()), Scored(90));
        Assert.Equal((ContributionStatus.Rewarded, 90), (view.Status, view.Score!.Value));
    }

    [Theory]
    [InlineData(10L)]
    [InlineData(3L)]
    public void A_head_that_does_not_cover_the_index_changes_nothing(long treeSize) =>
        Assert.Equal(Created(), ContributionViewProjection.Apply(Created(), Anchored(treeSize)));

    [Fact]
    public void A_view_whose_index_is_not_known_yet_is_not_anchored() =>
        Assert.Equal(ContributionStatus.Submitted, ContributionViewProjection.Apply(Created(index: null), Anchored(1_000_000)).Status);

    [Fact]
    public void An_appeal_shows_while_its_second_round_runs_and_its_decision_becomes_the_score_with_the_panels_reviews()
    {
        var first = new ContributionScored(Id, Contributor, "data", 40, "scoring-1", At, new ScoreComponents(50, 36, "accept", 30, []),
            [new ScoredReview("0x" + new string('2', 40), 36, "accept", 0.5m, false)], null);
        var filed = new AppealFiled("0xap", Id, Contributor, "Underrated.", "1", 0, "0x", 40, At);
        var panel = new[] { new ScoredReview("0x" + new string('5', 40), 80, "accept", 0.5m, false) };
        var decided = new AppealDecided(Id, "0xap", Contributor, 40, 71, "changed", new ScoreComponents(50, 80, "accept", 30, []), panel, "scoring-1", At.AddHours(1));

        var pending = ContributionViewProjection.Apply(ContributionViewProjection.Apply(ContributionViewProjection.Apply(Created(), first), Rewarded()), filed);
        Assert.Equal((40, "0xap", 40), (pending.Score, pending.Appeal!.AppealId, pending.Appeal.FirstScore));
        Assert.Null(pending.Appeal.Outcome);

        var view = ContributionViewProjection.Apply(pending, decided);
        Assert.Equal(71, view.Score);
        Assert.Equal(("changed", 71, "Underrated."), (view.Appeal!.Outcome, view.Appeal.FinalScore, view.Appeal.Reason));
        Assert.Equal(80, Assert.Single(view.Explanation!.Reviews).Score);
        Assert.Equal("p1", view.Explanation.RewardPolicyVersion);
        Assert.Equal(ContributionStatus.Rewarded, view.Status);

        // Short of a quorum the first score and its reviews stand.
        var upheld = ContributionViewProjection.Apply(pending, decided with { FinalScore = 40, Outcome = "no-quorum", Components = null, Reviews = [] });
        Assert.Equal((40, 36), (upheld.Score, Assert.Single(upheld.Explanation!.Reviews).Score));

        // The ledger's settlement shows what the appeal changed in the reward; the first credit stays the reward shown.
        var settled = ContributionViewProjection.Apply(view, new AppealSettled(Id, "0xap", Contributor, 71, "7100", "3100", "1000", 2_000_000, [],
            [new SettlementLine(Contributor, "3100")], 4, "p1", At.AddHours(2)));
        Assert.Equal(("3100", 4L), (settled.Appeal!.RewardAdjustment, settled.Appeal.SettlementEpoch));
        Assert.Equal(("changed", 71), (settled.Appeal.Outcome, settled.Appeal.FinalScore));
        Assert.Equal(view.Reward, settled.Reward);
        Assert.Equal(AppealFiled.Contributor, settled.Appeal.Role);

        // A case the scoring policy's random audit drew says so: nobody appealed it.
        var audited = ContributionViewProjection.Apply(ContributionViewProjection.Apply(Created(), first),
            filed with { Appellant = AppealFiled.AuditAppellant, Reason = "audit", AppellantRole = AppealFiled.Audit });
        Assert.Equal(AppealFiled.Audit, audited.Appeal!.Role);
    }

    [Fact]
    public void A_settlement_that_slashes_names_each_slashed_reviewer_and_its_amount_on_the_contribution()
    {
        const string Reviewer = "0x0000000000000000000000000000000000000001";
        var settled = ContributionViewProjection.Apply(Created(), new AppealSettled(Id, "0xap", Contributor, 71, "7100", "3100", "1000", 2_000_000, [],
            [new SettlementLine(Reviewer, "-1500"), new SettlementLine(Contributor, "3100")], 4, "p1", At, [new ValidatorSlash(Reviewer, "1000")]));

        Assert.Equal([(Reviewer, "1000")], settled.Appeal!.Slashes!.Select(s => (s.Validator, s.Amount)));
        // A settlement recorded before slashes existed slashed nobody.
        Assert.Empty(ContributionViewProjection.Apply(Created(), new AppealSettled(Id, "0xap", Contributor, 71, "7100", "3100", "1000", 2_000_000, [],
            [], 4, "p1", At)).Appeal!.Slashes!);
    }
}
