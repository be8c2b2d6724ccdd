using System.Numerics;
using CommunityAI.Governance.Domain;

namespace CommunityAI.Governance.Tests;

public sealed class ProposalLifecycleTests
{
    private static readonly DateTimeOffset Submitted = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly GovernanceParameters Rules = GovernanceParameters.Development; // 30 s delay, 120 s vote, 30 s extension, 60 s timelock
    private static readonly ProposalTimeline Timeline = ProposalTimeline.For(Submitted, Rules);
    private const string Whale = "0x00000000000000000000000000000000000000AA";
    private const string Small = "0x00000000000000000000000000000000000000BB";

    private static VotingPower Power => new(new Dictionary<string, BigInteger> { [Whale] = 900, [Small] = 100 }, new Dictionary<string, string>(), false);

    private static Tally Count(params CastVote[] votes) => Tally.Count(Power, Rules.QuorumFor(ProposalKind.ValidatorAdmission), votes);

    private static ProposalState At(int secondsAfterSubmission, Tally tally, bool vetoed = false, bool activated = false) =>
        ProposalLifecycle.StateAt(Timeline, tally, Submitted.AddSeconds(secondsAfterSubmission), vetoed, activated);

    [Fact]
    public void A_passed_proposal_goes_pending_active_queued_and_activates_after_the_timelock()
    {
        var tally = Count(new CastVote(Small, VoteSupport.For, Submitted.AddSeconds(40)));

        Assert.Equal(ProposalState.Pending, At(29, tally));
        Assert.Equal(ProposalState.Active, At(30, tally));
        Assert.Equal(ProposalState.Active, At(149, tally));
        Assert.Equal(ProposalState.Queued, At(150, tally));
        Assert.False(ProposalLifecycle.CanActivate(Timeline, tally, Submitted.AddSeconds(209), false, false));
        Assert.True(ProposalLifecycle.CanActivate(Timeline, tally, Submitted.AddSeconds(210), false, false));
        Assert.Equal(ProposalState.Activated, At(210, tally, activated: true));
    }

    [Fact]
    public void Majority_against_or_no_votes_is_defeated()
    {
        Assert.Equal(ProposalState.Defeated, At(150, Count()));
        Assert.Equal(ProposalState.Defeated, At(150, Count(new CastVote(Small, VoteSupport.For, Submitted.AddSeconds(31)),
            new CastVote(Whale, VoteSupport.Against, Submitted.AddSeconds(32)))));
    }

    [Fact]
    public void A_quorum_reached_in_the_last_moments_extends_voting_so_others_can_answer()
    {
        // The whale reaches quorum 5 s before the end: voting runs 30 s from then, so 25 s longer.
        var late = Count(new CastVote(Whale, VoteSupport.For, Submitted.AddSeconds(145)));
        Assert.Equal(Submitted.AddSeconds(175), Timeline.Deadline(late.QuorumReachedAt));
        Assert.Equal(ProposalState.Active, At(160, late));
        Assert.True(Timeline.AcceptsVotesAt(Submitted.AddSeconds(170), late.QuorumReachedAt));
        Assert.Equal(ProposalState.Queued, At(175, late));

        // Quorum reached early changes nothing.
        var early = Count(new CastVote(Whale, VoteSupport.For, Submitted.AddSeconds(40)));
        Assert.Equal(Timeline.VotingEndsAt, Timeline.Deadline(early.QuorumReachedAt));
    }

    [Fact]
    public void The_guardian_may_veto_only_during_the_timelock()
    {
        var tally = Count(new CastVote(Small, VoteSupport.For, Submitted.AddSeconds(40)));

        Assert.False(ProposalLifecycle.CanVeto(Timeline, tally, Submitted.AddSeconds(100), false, false));
        Assert.True(ProposalLifecycle.CanVeto(Timeline, tally, Submitted.AddSeconds(150), false, false));
        Assert.False(ProposalLifecycle.CanVeto(Timeline, tally, Submitted.AddSeconds(210), false, false));
        Assert.Equal(ProposalState.Vetoed, At(300, tally, vetoed: true));
        Assert.False(ProposalLifecycle.CanActivate(Timeline, tally, Submitted.AddSeconds(300), true, false));
    }

    [Fact]
    public void Reward_changes_need_the_higher_quorum()
    {
        Assert.Equal(Rules.RewardQuorumBasisPoints, Rules.QuorumFor(ProposalKind.RewardPolicy));
        Assert.Equal(Rules.RewardQuorumBasisPoints, Rules.QuorumFor(ProposalKind.ScoringPolicy));
        Assert.Equal(Rules.QuorumBasisPoints, Rules.QuorumFor(ProposalKind.ValidatorRemoval));
    }

    [Fact]
    public void Parameters_that_break_a_rule_are_named()
    {
        var bad = GovernanceParameters.Production with { QuorumBasisPoints = 0, RewardQuorumBasisPoints = 20_000, VotingPeriodSeconds = 5, TimelockSeconds = -1 };
        var problems = bad.Problems();
        Assert.Contains("quorumBasisPoints", problems.Keys);
        Assert.Contains("rewardQuorumBasisPoints", problems.Keys);
        Assert.Contains("votingPeriodSeconds", problems.Keys);
        Assert.Contains("timelockSeconds", problems.Keys);
        Assert.Empty(GovernanceParameters.Production.Problems());
        Assert.Empty(GovernanceParameters.Development.Problems());
    }
}
