using CommunityAI.Audit.History;
using CommunityAI.Audit.Scores;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;
using static CommunityAI.Audit.Tests.LeanHistory;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The replay's check of the draw's lean rule (<c>leanExclusionPoints</c>), on histories written as quality-scoring writes
/// them: one contributor's two cases reviewed by a validator 14–15 points above the other two, then a third case of that
/// contributor and one of another contributor. Drawn without the leaner, the history recomputes clean; a leaner among the
/// third case's candidates, first round or replacement, is named at that event; the other contributor's case may have it;
/// and under a policy without the rule nothing is named.
/// </summary>
public sealed class LeanExclusionReplayTests
{
    private const int OtherContributor = 0;
    private static readonly int[] Everyone = [Leaner, 3, 4, 5, 6, 7];

    [Fact]
    public void A_draw_without_the_leaner_recomputes_clean_and_the_other_contributor_may_have_it()
    {
        var result = Replay(History(third: [3, 4, 5, 6, 7], other: Everyone));
        Assert.True(result.Findings.Count == 0, string.Join("; ", result.Findings.Select(f => f.What + ": " + f.Detail)));
        Assert.Equal(4, result.Recomputed);
        Assert.Equal(4, result.LeanChecked);
    }

    [Fact]
    public void A_leaning_candidate_for_the_contributor_is_named_at_its_assignment()
    {
        var history = History(third: Everyone, other: Everyone);
        var result = Replay(history);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("leaning candidate", finding.What);
        Assert.Equal(history.FindIndex(e => e.Type == "reviewers_assigned" && e.Data.GetProperty("contributionId").GetString() == Id("third")), (int)finding.Index);
        Assert.Contains(AnvilNode.DevAddresses[Leaner], finding.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_leaning_candidate_for_a_replacement_is_named_at_the_reassignment()
    {
        var history = History(third: [3, 4, 5, 6, 7], other: Everyone, replacementCandidates: [Leaner, 8]);
        var result = Replay(history);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("leaning candidate", finding.What);
        Assert.Equal(history.FindIndex(e => e.Type == "reviewer_reassigned"), (int)finding.Index);
    }

    [Fact]
    public void A_policy_without_the_rule_names_nothing()
    {
        var result = Replay(History(third: Everyone, other: Everyone, exclusionPoints: null));
        Assert.Empty(result.Findings);
        Assert.Equal(0, result.LeanChecked);
    }

    private static AssignmentReplayResult Replay(IEnumerable<LogEvent> events) => Feed(new AssignmentReplay(TestChain.Domain), events).Finish();

    /// <summary>
    /// Round 0: the contributor's two cases reviewed by <see cref="FirstRoundKeys"/> (the leaner at 75, the others at 60 and 61),
    /// its third case drawn from <paramref name="third"/>, another contributor's case from <paramref name="other"/>, and,
    /// when given, a replacement in the third case drawn from <paramref name="replacementCandidates"/>; then round 0's reveal.
    /// </summary>
    private static List<LogEvent> History(int[] third, int[] other, int[]? replacementCandidates = null, int? exclusionPoints = 10)
    {
        var policy = new ScoringOptions { AuditBasisPoints = 0, LeanAuditPoints = 0 }.ToPolicy(Now) with { LeanExclusionPoints = exclusionPoints };
        List<LogEvent> events = [];
        Add(events, "scoring/policies", "scoring_policy_published", policy);
        Add(events, "scoring/seeds", "assignment_seed_committed", new AssignmentSeedCommitted(0, AssignmentSeed.Commitment(Secret), Now));
        foreach (var name in new[] { "first", "second" })
        {
            var reviewers = Assign(events, policy, Id(name), Contributor, FirstRoundKeys);
            Add(events, "scoring/" + Id(name), "contribution_scored", Scored(Id(name), policy, reviewers, FirstRoundKeys, [75, 60, 61]));
        }
        var drawn = Assign(events, policy, Id("third"), Contributor, third);
        Assign(events, policy, Id("other"), OtherContributor, other);
        if (replacementCandidates is not null)
        {
            var candidates = Reviewers(replacementCandidates);
            var replacement = ReviewerSelection.Select(AssignmentSeed.For(Secret, Id("third")), candidates, 1)[0];
            Add(events, "scoring/" + Id("third"), "reviewer_reassigned",
                new ReviewerReassigned(Id("third"), drawn[0].Validator, replacement, Reassignment.Absent, 0, candidates, Now, Now, Now));
        }
        Reveal(events);
        return events;
    }

    /// <summary>The contribution and its first round, drawn from <paramref name="candidateKeys"/> by the service's rule.</summary>
    private static IReadOnlyList<AssignedReviewer> Assign(List<LogEvent> events, ScoringPolicyPublished policy, string id, int contributor, int[] candidateKeys)
    {
        Add(events, "contributions/" + id, "contribution_submitted",
            new ContributionSubmitted(id, AnvilNode.DevAddresses[contributor], "data", id, "ipfs://lean", "1", 0, "0x", 10, Now));
        var candidates = Reviewers(candidateKeys);
        var seed = AssignmentSeed.For(Secret, id);
        var reviewers = ReviewerSelection.Select(seed, candidates, 3);
        Add(events, "scoring/" + id, "reviewers_assigned",
            new ReviewersAssigned(id, reviewers, candidates.Count, 2, Now, policy.Version, Now, 0, Hex.Encode(seed), candidates, null));
        return reviewers;
    }
}
