using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;

namespace CommunityAI.QualityScoring.Tests;

public sealed class ConsensusTests
{
    private static Consensus.Review R(int id, int score, decimal weight, string verdict = Consensus.Accept) =>
        new($"0x{id:x40}", score, verdict, weight);

    [Fact]
    public void The_weighted_median_follows_the_weight_not_the_count()
    {
        // Three light reviews at 10 against one heavy review at 90.
        Assert.Equal(90, Consensus.WeightedMedian([R(1, 10, 0.1m), R(2, 10, 0.1m), R(3, 10, 0.1m), R(4, 90, 0.9m)]));
        Assert.Equal(10, Consensus.WeightedMedian([R(1, 10, 0.5m), R(2, 10, 0.5m), R(3, 90, 0.9m)]));
    }

    /// <summary>
    /// How far one high review moves the consensus (README, "Review under attack", where the colluding pair's gain is
    /// measured): with two reviews the heavier one's score is the consensus, a tie going to the lower; with three, a review
    /// above the other two moves it only to the higher of them, however high it is.
    /// </summary>
    [Fact]
    public void One_high_review_decides_two_reviews_when_heavier_and_moves_three_to_the_next_score()
    {
        Assert.Equal(79, Consensus.WeightedMedian([R(1, 60, 0.80m), R(2, 79, 0.81m)]));
        Assert.Equal(60, Consensus.WeightedMedian([R(1, 60, 0.81m), R(2, 79, 0.80m)]));
        Assert.Equal(60, Consensus.WeightedMedian([R(1, 60, 0.8m), R(2, 79, 0.8m)]));
        Assert.Equal(64, Consensus.WeightedMedian([R(1, 56, 0.8m), R(2, 64, 0.8m), R(3, 79, 0.9m)]));
        Assert.Equal(64, Consensus.WeightedMedian([R(1, 56, 0.8m), R(2, 64, 0.8m), R(3, 100, 0.9m)]));
    }

    [Fact]
    public void A_clipped_outlier_has_no_say_in_the_verdict()
    {
        var result = Consensus.Compute([R(1, 80, 0.5m), R(2, 75, 0.5m), R(3, 5, 0.9m, Consensus.Reject)], clipDistance: 20);
        Assert.Equal(75, result.Score);
        Assert.Equal(Consensus.Accept, result.Verdict);
        Assert.True(result.Reviews.Single(r => r.Score == 5).Clipped);
    }

    [Fact]
    public void Each_review_records_its_agreement_with_the_consensus_which_its_pay_is_weighed_by()
    {
        var result = Consensus.Compute([R(1, 80, 0.5m), R(2, 75, 0.5m), R(3, 70, 0.2m), R(4, 5, 0.3m, Consensus.Reject)], clipDistance: 20);

        // Median 75: 5 points away is a quarter of the clip, 0.75; the outlier is clipped and agrees 0.
        Assert.Equal(75, result.Score);
        Assert.Equal([(80, 0.75m), (75, 1m), (70, 0.75m), (5, 0m)], result.Reviews.Select(r => (r.Score, r.Agreement!.Value)));
    }

    [Fact]
    public void Reputation_moves_toward_agreement_and_never_below_the_floor()
    {
        var policy = new ScoringOptions { ReputationRate = 0.2m, ReputationFloor = 0.05m, ClipDistance = 20 }.ToPolicy(DateTimeOffset.UnixEpoch);
        Assert.Equal(1m, Consensus.Agreement(70, 70, 20));
        Assert.Equal(0.5m, Consensus.Agreement(60, 70, 20));
        Assert.Equal(0m, Consensus.Agreement(10, 70, 20));
        Assert.Equal(0.6m, Consensus.NextReputation(0.5m, 1m, policy));
        Assert.Equal(0.4m, Consensus.NextReputation(0.5m, 0m, policy));
        Assert.Equal(0.05m, Consensus.NextReputation(0.05m, 0m, policy));
    }

    [Fact]
    public void Final_score_combines_automated_and_consensus_and_moves_reputations()
    {
        var policy = new ScoringOptions { AutomatedWeight = 30, ClipDistance = 20, Quorum = 2, ReviewersPerContribution = 3 }.ToPolicy(DateTimeOffset.UnixEpoch);
        var @case = Assigned(policy, Now.AddHours(1)).Apply(Review(1, 60)).Apply(Review(2, 70)).Apply(Review(3, 0));

        var outcome = ScoreDecision.Finalise(@case, policy, Reputations(1, 2, 3), Now);

        Assert.Equal(60, outcome.Scored.Components!.ConsensusScore);
        Assert.Equal((30 * 80 + 70 * 60 + 50) / 100, outcome.Scored.Score);
        Assert.Null(outcome.Scored.Fallback);
        Assert.True(outcome.Scored.Reviews!.Single(r => r.Score == 0).Clipped);
        Assert.True(outcome.Reputation.Single(r => r.Validator.EndsWith('1')).Next > 0.5m);
        Assert.True(outcome.Reputation.Single(r => r.Validator.EndsWith('3')).Next < 0.5m);
    }

    [Fact]
    public void Fewer_reviews_than_the_quorum_fall_back_to_the_automated_score_and_say_so()
    {
        var policy = new ScoringOptions().ToPolicy(DateTimeOffset.UnixEpoch);
        var @case = Assigned(policy, Now).Apply(Review(1, 10));

        var outcome = ScoreDecision.Finalise(@case, policy, Reputations(1, 2, 3), Now);

        Assert.Equal(80, outcome.Scored.Score);
        Assert.Equal(ScoreDecision.NoQuorum, outcome.Scored.Fallback);
        Assert.Contains("fallback:no-quorum", outcome.Scored.Components!.Flags);
        Assert.Empty(outcome.Reputation);
    }

    [Fact]
    public void A_commitment_never_revealed_costs_reputation_as_a_review_with_no_agreement()
    {
        var policy = new ScoringOptions().ToPolicy(DateTimeOffset.UnixEpoch);
        var @case = Assigned(policy, Now).Apply(Commitment(1, Now)).Apply(Commitment(2, Now)).Apply(Commitment(3, Now))
            .Apply(Review(1, 60)).Apply(Review(2, 62));

        var outcome = ScoreDecision.Finalise(@case, policy, Reputations(1, 2, 3), Now);

        Assert.Null(outcome.Scored.Fallback);
        var lazy = outcome.Reputation.Single(r => r.Validator.EndsWith('3'));
        Assert.Equal(ScoreDecision.Unrevealed, lazy.Reason);
        Assert.Equal(0m, lazy.Agreement);
        Assert.Equal(Consensus.NextReputation(0.5m, 0m, policy), lazy.Next);
        Assert.True(outcome.Reputation.Single(r => r.Validator.EndsWith('1')).Next > lazy.Next);

        // Short of the quorum the fallback decides, and the unrevealed commitment still costs.
        var alone = Assigned(policy, Now).Apply(Commitment(3, Now));
        var fallback = ScoreDecision.Finalise(alone, policy, Reputations(1, 2, 3), Now);
        Assert.Equal(ScoreDecision.NoQuorum, fallback.Scored.Fallback);
        Assert.Equal(ScoreDecision.Unrevealed, Assert.Single(fallback.Reputation).Reason);
    }

    [Fact]
    public void A_removed_reviewers_forfeited_commitment_is_not_waited_for_and_still_costs_reputation()
    {
        var policy = new ScoringOptions().ToPolicy(DateTimeOffset.UnixEpoch);
        var @case = Assigned(policy, Now.AddHours(2), eligible: 4, commitClosesAt: Now.AddHours(1))
            .Apply(Commitment(1, Now)).Apply(Commitment(2, Now)).Apply(Commitment(3, Now));
        @case = @case.RevealHeld(V(1)).RevealHeld(V(2)) with { CommitClosed = true };
        var later = Now.AddMinutes(90);
        Assert.False(@case.Complete(later)); // waiting for 3's reveal, which its removal makes impossible

        // 3 is removed and replaced by 4: the case takes commitments again, and waits for 4 only.
        var replacement = new AssignedReviewer(V(4), 0.5m);
        @case = @case.Apply(new ReviewerReassigned(Id, V(3), replacement, "removed", 0, [replacement], later.AddHours(1), later.AddHours(2), later));
        Assert.False(@case.CommitClosed);
        Assert.False(@case.AllCommitted);
        Assert.Equal(later.AddHours(1), @case.OpenUntil);
        Assert.False(@case.Complete(later));
        @case = @case.Apply(Commitment(4, later));
        Assert.True(@case.AllCommitted);
        Assert.False(@case.Complete(later));
        Assert.True(@case.RevealHeld(V(4)).Complete(later));

        // Closed on 1, 2 and 4; 3's forfeited commitment costs it as unrevealed.
        @case = @case.Apply(Review(1, 60)).Apply(Review(2, 62)).Apply(Review(4, 61));
        var outcome = ScoreDecision.Finalise(@case, policy, Reputations(1, 2, 3, 4), later);
        Assert.Null(outcome.Scored.Fallback);
        Assert.Equal(3, outcome.Scored.Reviews!.Count);
        Assert.Equal(ScoreDecision.Unrevealed, outcome.Reputation.Single(r => r.Validator.EndsWith('3')).Reason);
    }

    [Fact]
    public void A_removed_reviewer_nobody_replaces_is_not_waited_for_and_still_costs_reputation()
    {
        var policy = new ScoringOptions().ToPolicy(DateTimeOffset.UnixEpoch);
        var @case = Assigned(policy, Now.AddHours(2), eligible: 3, commitClosesAt: Now.AddHours(1))
            .Apply(Commitment(1, Now)).Apply(Commitment(2, Now)).Apply(Commitment(3, Now)).RevealHeld(V(1));
        Assert.False(@case.Complete(Now));

        // 3 is removed with nobody to draw: still assigned, no longer awaited, and the case waits for 2 alone.
        @case = @case.Forfeit(V(3));
        Assert.True(@case.IsAssigned(V(3)));
        Assert.True(@case.HasForfeited(V(3).ToUpperInvariant()));
        Assert.Equal([V(1), V(2)], @case.Awaited.Select(c => c.Validator));
        Assert.Equal(Now.AddHours(2), @case.OpenUntil);
        Assert.False(@case.Complete(Now));
        Assert.True(@case.RevealHeld(V(2)).Complete(Now));

        // Closed on 1 and 2; 3's forfeited commitment costs it as unrevealed, as a replaced reviewer's does.
        @case = @case.Apply(Review(1, 60)).Apply(Review(2, 62));
        var outcome = ScoreDecision.Finalise(@case, policy, Reputations(1, 2, 3), Now);
        Assert.Null(outcome.Scored.Fallback);
        Assert.Equal(2, outcome.Scored.Reviews!.Count);
        Assert.Equal(ScoreDecision.Unrevealed, outcome.Reputation.Single(r => r.Validator.EndsWith('3')).Reason);
    }

    /// <summary>
    /// The case is rewritten at every commitment, reveal and close, so it keeps no list that grows with the validator
    /// set: a draw's and a replacement's candidates stay in their history events, where the audit checks the draw.
    /// </summary>
    [Fact]
    public void The_case_keeps_its_draws_without_their_candidates_which_the_history_events_hold()
    {
        var policy = new ScoringOptions().ToPolicy(DateTimeOffset.UnixEpoch);
        var everyone = Enumerable.Range(1, 500).Select(i => new AssignedReviewer(V(i), 0.5m)).ToList();
        var drawn = new ReviewersAssigned(Id, Reviewers, everyone.Count, 2, Now.AddHours(2), policy.Version, Now, Candidates: everyone,
            CommitClosesAt: Now.AddHours(1));
        var @case = ScoringCase.Create(Checks(policy)).Apply(drawn);
        Assert.Null(@case.Assignment!.Candidates);
        Assert.Equal(500, @case.Assignment.EligibleValidators);
        Assert.Equal(Reviewers, @case.Assignment.Reviewers);
        Assert.Equal(500, drawn.Candidates!.Count);

        var replacement = new AssignedReviewer(V(4), 0.5m);
        var reassigned = new ReviewerReassigned(Id, V(3), replacement, "absent", 1, everyone.Skip(3).ToList(), Now.AddHours(2), Now.AddHours(3), Now.AddHours(1));
        @case = @case.Apply(reassigned);
        Assert.Empty(@case.Reassigned.Single().Candidates);
        Assert.Equal(replacement, @case.Reassigned.Single().Replacement);
        Assert.Equal(497, reassigned.Candidates.Count);
    }

    private static readonly string Id = "0x" + new string('a', 64);
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    /// <summary>Validators 1, 2 and 3, at reputation 0.5.</summary>
    private static readonly List<AssignedReviewer> Reviewers = [.. new[] { 1, 2, 3 }.Select(i => new AssignedReviewer(V(i), 0.5m))];

    private static string V(int validator) => $"0x{validator:x40}";

    private static Dictionary<string, decimal> Reputations(params int[] validators) =>
        validators.ToDictionary(V, _ => 0.5m, StringComparer.OrdinalIgnoreCase);

    /// <summary>Automated checks scoring 80.</summary>
    private static AutomatedChecksCompleted Checks(ScoringPolicyPublished policy) =>
        new(Id, "0x" + new string('1', 40), "data", "0x" + new string('b', 64), "ipfs://x", 10, null, policy.Version, null, null, null, [], 80, Now);

    /// <summary>A case after its automated checks, assigned to <see cref="Reviewers"/> with a quorum of 2.</summary>
    private static ScoringCase Assigned(ScoringPolicyPublished policy, DateTimeOffset windowClosesAt, int eligible = 3, DateTimeOffset? commitClosesAt = null) =>
        ScoringCase.Create(Checks(policy)).Apply(new ReviewersAssigned(Id, Reviewers, eligible, 2, windowClosesAt, policy.Version, Now,
            CommitClosesAt: commitClosesAt));

    private static ReviewCommitted Commitment(int validator, DateTimeOffset at) => new(Id, V(validator), "0x" + new string('c', 64), "1", 0, "0x", at);

    private static ReviewSubmitted Review(int validator, int score) =>
        new(Id, V(validator), score, Consensus.Accept, "1", 0, "0x", Now);
}
