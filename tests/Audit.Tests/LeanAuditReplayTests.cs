using CommunityAI.Audit.History;
using CommunityAI.Audit.Scores;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;
using static CommunityAI.Audit.Tests.LeanHistory;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The replay's own tally of reviewers' leans (written from the rule, not the service's code) on histories written as
/// quality-scoring writes them: one contributor's two cases, one reviewer scoring both well above the other two, no random
/// audit draw. The second case is due its targeted audit round (reason <c>lean</c>); one missing, one opened without a
/// lean, and one recorded with the wrong reason are each named; and over many random histories the replay targets
/// exactly the cases the service's <see cref="LeanAudit"/> does.
/// </summary>
public sealed class LeanAuditReplayTests
{
    private static readonly int[] Fresh = [5, 6, 7];
    private static readonly string[] Ids = [Id("lean 0"), Id("lean 1")];

    [Fact]
    public void A_lean_the_history_shows_is_audited_and_recomputes_clean()
    {
        var result = Replay(History(leanerScore: 75, audited: true, reason: LeanAudit.Reason));

        Assert.Empty(result.Findings);
        Assert.Equal(1, result.Audits);
    }

    [Fact]
    public void A_missing_targeted_audit_round_is_named_at_its_score()
    {
        var history = History(leanerScore: 75, audited: false, reason: LeanAudit.Reason);
        var result = Replay(history);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("missing audit round", finding.What);
        Assert.Equal(history.FindLastIndex(e => e.Type == "contribution_scored"), (int)finding.Index);
    }

    [Fact]
    public void A_targeted_audit_without_a_lean_or_with_the_draws_reason_is_named()
    {
        // 62 against 60 and 61: a lean of one point, well short of the policy's ten.
        Assert.Equal(["audit round not drawn"], Replay(History(leanerScore: 62, audited: true, reason: LeanAudit.Reason)).Findings.Select(f => f.What));
        // The draw picks nothing at 0 bp, so the round is the lean's and must say so.
        Assert.Equal(["audit reason"], Replay(History(leanerScore: 75, audited: true, reason: AppealFiled.Audit)).Findings.Select(f => f.What));
    }

    [Fact]
    public void A_policy_without_the_rule_counts_no_lean()
    {
        // The same reviews under a policy recorded before targeted audits: nothing is due, and nothing is counted toward later.
        var result = Replay(History(leanerScore: 75, audited: false, reason: LeanAudit.Reason, leanPoints: null));
        Assert.Empty(result.Findings);
    }

    /// <summary>Random histories of one contributor's cases: the replay wants an audit exactly where the service's rule opens one.</summary>
    [Fact]
    public void The_replays_lean_is_the_services()
    {
        var random = new Random(5);
        for (var game = 0; game < 40; game++)
        {
            var policy = Policy(random.Next(1, 16));
            var leans = new Dictionary<string, ReviewerLean>(StringComparer.Ordinal);
            var events = Start(policy);
            for (var n = 0; n < 12; n++)
            {
                var id = Id($"random {game}/{n}");
                var reviewers = Enumerable.Range(2, 6).OrderBy(_ => random.Next()).Take(3).ToArray();
                var scores = reviewers.Select(_ => random.Next(40, 90)).ToArray();
                var scored = Scored(id, policy, Reviewers(reviewers), reviewers, scores);
                var after = LeanAudit.Tally(scored, leans);
                foreach (var tally in after)
                    leans[tally.Id] = tally;
                Case(events, policy, id, reviewers, scored);
                if (LeanAudit.Targets(after, policy.LeanAuditPoints!.Value))
                    Audit(events, policy, id, reviewers, LeanAudit.Reason);
            }
            Reveal(events);
            var result = Replay(events);
            Assert.True(result.Findings.Count == 0, string.Join("; ", result.Findings.Select(f => f.What + ": " + f.Detail)));
        }
    }

    private static AppealReplayResult Replay(IEnumerable<LogEvent> events) => Feed(new AppealReplay(TestChain.Domain), events).Finish();

    /// <summary>
    /// Round 0: the contributor's two cases, each reviewed by <see cref="FirstRoundKeys"/>, the leaner at
    /// <paramref name="leanerScore"/> and the others at 60 and 61; the second with its audit round when asked; round 0's reveal.
    /// </summary>
    private static List<LogEvent> History(int leanerScore, bool audited, string reason, int? leanPoints = 10)
    {
        var policy = Policy(leanPoints);
        var events = Start(policy);
        foreach (var id in Ids)
            Case(events, policy, id, FirstRoundKeys, Scored(id, policy, Reviewers(FirstRoundKeys), FirstRoundKeys, [leanerScore, 60, 61]));
        if (audited)
            Audit(events, policy, Ids[1], FirstRoundKeys, reason);
        Reveal(events);
        return events;
    }

    private static ScoringPolicyPublished Policy(int? leanPoints) =>
        new ScoringOptions { AuditBasisPoints = 0 }.ToPolicy(Now) with { LeanAuditPoints = leanPoints };

    private static List<LogEvent> Start(ScoringPolicyPublished policy)
    {
        List<LogEvent> events = [];
        Add(events, "scoring/policies", "scoring_policy_published", policy);
        return events;
    }

    private static void Case(List<LogEvent> events, ScoringPolicyPublished policy, string id, int[] reviewers, ContributionScored scored)
    {
        var first = Reviewers(reviewers);
        var candidates = Reviewers(Enumerable.Range(2, 6));
        Add(events, "scoring/" + id, "reviewers_assigned", new ReviewersAssigned(id, first, candidates.Count, 2, Now, policy.Version, Now, 0, null, candidates, Now));
        foreach (var review in scored.Reviews!)
            Add(events, "scoring/" + id, "review_submitted", new ReviewSubmitted(id, review.Validator, review.Score, review.Verdict, "1", 0, "0x", Now));
        Add(events, "scoring/" + id, "contribution_scored", scored);
    }

    /// <summary>The audit round as quality-scoring files it: unsigned, for nobody, its panel drawn from round 0's seed among the rest.</summary>
    private static void Audit(List<LogEvent> events, ScoringPolicyPublished policy, string id, int[] reviewers, string reason)
    {
        var auditId = AuditDraw.AppealIdFor(id);
        var score = events.Last(e => e.Type == "contribution_scored").Data.GetProperty("score").GetInt32();
        Add(events, "scoring/" + id, "appeal_filed", new AppealFiled(auditId, id, AppealFiled.AuditAppellant, reason, "0", 0, "", score, Now, AppealFiled.Audit));
        var pool = Reviewers(Enumerable.Range(2, 6).Except(reviewers));
        var seed = AssignmentSeed.For(Secret, auditId);
        var panel = ReviewerSelection.Select(seed, pool, 3);
        Add(events, "scoring/" + id, "appeal_reviewers_assigned",
            new AppealReviewersAssigned(id, auditId, panel, 2, 0, Hex.Encode(seed), pool, Now, Now, policy.Version, Now));
    }
}
