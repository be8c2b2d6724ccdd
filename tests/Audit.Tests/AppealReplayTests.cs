using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Scores;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The appeal replay on histories written as quality-scoring writes them: an honest appeal recomputes exactly, and each
/// kind of tampering (an edited final score, a steered panel, a first-round reviewer on the panel, another person's or a
/// forged appeal, a second appeal, a panel from another round, a reviewer's appeal without standing) is named at its log index.
/// </summary>
public sealed class AppealReplayTests
{
    private const int Contributor = 1;
    private static readonly int[] FirstRound = [2, 3, 4];
    private static readonly int[] Fresh = [5, 6, 7];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly string Id = Hex.Encode(SHA256.HashData("appealed"u8));

    [Fact]
    public void An_honest_appeal_recomputes_its_panel_and_its_final_score()
    {
        var result = Replay(History());

        Assert.Empty(result.Findings);
        Assert.Equal((1, 1, 0, 1), (result.Appeals, result.Recomputed, result.Pending, result.Decided));
    }

    /// <summary>The replay's own audit draw (written from the rule, not the service's code) agrees with the service's.</summary>
    [Fact]
    public void The_replays_audit_draw_is_the_services()
    {
        for (var n = 0; n < 200; n++)
        {
            var secret = Hex.Encode(RandomNumberGenerator.GetBytes(32));
            var id = Hex.Encode(RandomNumberGenerator.GetBytes(32));
            Assert.Equal(AuditDraw.AppealIdFor(id), AppealReplay.AuditId(id));
            Assert.Equal(AuditDraw.Ticket(AssignmentSeed.For(secret, AuditDraw.AppealIdFor(id))), AppealReplay.AuditTicket(secret, id));
        }
    }

    [Fact]
    public void A_panel_whose_round_is_not_revealed_yet_is_pending_not_recomputed()
    {
        var result = Replay(History()[..^1]);

        Assert.Empty(result.Findings);
        Assert.Equal((0, 1), (result.Recomputed, result.Pending));
    }

    [Fact]
    public void A_panel_short_of_its_quorum_must_leave_the_first_score()
    {
        var history = History(reviews: 1, decided: d => d with
        {
            FinalScore = d.FirstScore,
            Outcome = AppealDecision.NoQuorum,
            Components = null,
            Reviews = [],
            FirstRound = [.. d.FirstRound!.Select(r => AsFirstRecorded(r))]
        });
        Assert.Empty(Replay(history).Findings);

        var overruled = History(reviews: 1);
        Assert.Equal(["appeal score", "appeal outcome", "appeal first round"], Replay(overruled).Findings.Select(f => f.What));
    }

    [Fact]
    public void An_edited_final_score_outcome_or_first_score_is_named_at_the_decisions_log_index()
    {
        var history = History(decided: d => d with { FinalScore = d.FinalScore + 1 });
        var index = history.FindIndex(e => e.Type == "appeal_decided");

        var finding = Assert.Single(Replay(history).Findings);
        Assert.Equal(("appeal score", (long)index), (finding.What, finding.Index));
        Assert.Equal(["appeal outcome"], Replay(History(decided: d => d with { Outcome = AppealDecision.Upheld })).Findings.Select(f => f.What));
        Assert.Equal(["appeal first score"], Replay(History(decided: d => d with { FirstScore = 90 })).Findings.Select(f => f.What));
    }

    [Fact]
    public void The_first_round_measured_against_the_panel_is_recomputed_and_an_edited_one_is_named()
    {
        var honest = History();
        var recorded = honest.Single(e => e.Type == "appeal_decided").Data.GetProperty("firstRound");
        // 36 and 36 lie 44 from the panel's 80 and are clipped now; 60 lies 20 from it and is not.
        Assert.Equal([true, true, false], recorded.EnumerateArray().Select(r => r.GetProperty("clipped").GetBoolean()));

        var unclipped = History(decided: d => d with { FirstRound = [.. d.FirstRound!.Select(r => r with { Clipped = false })] });
        var index = unclipped.FindIndex(e => e.Type == "appeal_decided");
        var finding = Assert.Single(Replay(unclipped).Findings);
        Assert.Equal(("appeal first round", (long)index), (finding.What, finding.Index));

        // Without a quorum the first round stands as first recorded; an old decision without the field is not compared.
        var noQuorum = (AppealDecided d) => d with { FinalScore = d.FirstScore, Outcome = AppealDecision.NoQuorum, Components = null, Reviews = [] };
        Assert.Equal(["appeal first round"], Replay(History(reviews: 1, decided: d => noQuorum(d))).Findings.Select(f => f.What));
        Assert.Empty(Replay(History(reviews: 1, decided: d => noQuorum(d) with { FirstRound = d.FirstRound!.Select(r => AsFirstRecorded(r)).ToList() })).Findings);
        Assert.Empty(Replay(History(decided: d => d with { FirstRound = null })).Findings);
    }

    [Fact]
    public void The_panels_reviews_the_ledger_pays_by_are_recomputed_and_an_edited_reputation_clip_or_agreement_is_named()
    {
        var honest = History();
        var index = honest.FindIndex(e => e.Type == "appeal_decided");
        // The panel's 80 and 82: consensus 80, so agreements 1 and 0.9 with the clip distance of 20.
        var recorded = honest[index].Data.GetProperty("reviews").EnumerateArray().Select(r => r.GetProperty("agreement").GetDecimal()).Order();
        Assert.Equal([0.9m, 1m], recorded);

        foreach (var edit in new Func<ScoredReview, ScoredReview>[]
        {
            r => r with { Reputation = 1m },
            r => r with { Clipped = true },
            r => r with { Agreement = 1m },
            r => r with { Agreement = null },
        })
        {
            var edited = History(decided: d => d with { Reviews = [.. d.Reviews.Select(r => r.Agreement == 1m ? r : edit(r))] });
            var finding = Assert.Single(Replay(edited).Findings);
            Assert.Equal(("appeal reviews", (long)index), (finding.What, finding.Index));
        }
        // The first round's agreement with the panel is part of what the ledger pays it by too.
        var raised = History(decided: d => d with { FirstRound = [.. d.FirstRound!.Select(r => r with { Agreement = 1m })] });
        Assert.Equal(["appeal first round"], Replay(raised).Findings.Select(f => f.What));
    }

    [Fact]
    public void A_steered_panel_a_first_round_reviewer_among_the_candidates_and_a_panel_from_another_round_are_named()
    {
        var steered = Replay(History(panel: p => p with { Reviewers = [.. p.Candidates.Where(c => p.Reviewers.All(r => r.Validator != c.Validator)).Take(1), p.Reviewers[1]] }));
        Assert.Contains("appeal panel", steered.Findings.Select(f => f.What));

        var reused = Replay(History(candidates: [.. Fresh, FirstRound[0]]));
        Assert.Contains("appeal candidate", reused.Findings.Select(f => f.What));

        var otherRound = Replay(History(panel: p => p with { SeedRound = 1 }));
        Assert.Contains("appeal round", otherRound.Findings.Select(f => f.What));
    }

    [Fact]
    public void Another_persons_appeal_a_forged_one_and_a_second_appeal_are_named()
    {
        Assert.Contains("appellant", Replay(History(appellant: 0)).Findings.Select(f => f.What));
        Assert.Contains("appeal signature", Replay(History(signingKey: 0)).Findings.Select(f => f.What));

        var history = History();
        var second = history.First(e => e.Type == "appeal_filed");
        history.Insert(history.IndexOf(second) + 1, second with { Index = 99 });
        Assert.Contains("appealed twice", Replay(Renumbered(history)).Findings.Select(f => f.What));
    }

    [Fact]
    public void A_first_round_reviewer_that_revealed_may_appeal_and_replays_clean()
    {
        var result = Replay(History(appellant: FirstRound[0], role: AppealFiled.Reviewer));

        Assert.Empty(result.Findings);
        Assert.Equal((1, 1, 1), (result.Appeals, result.Recomputed, result.Decided));
    }

    [Fact]
    public void A_reviewer_appeal_by_a_validator_not_on_the_case_never_revealed_or_removed_is_named_at_the_appeals_log_index()
    {
        foreach (var history in new[]
        {
            History(appellant: Fresh[0] + 3, role: AppealFiled.Reviewer),
            History(appellant: FirstRound[2], role: AppealFiled.Reviewer, revealed: FirstRound[..2]),
            History(appellant: FirstRound[0], role: AppealFiled.Reviewer, removed: FirstRound[0]),
            // The contributor's role claimed by a reviewer, and a role nobody has.
            History(appellant: FirstRound[0], role: AppealFiled.Contributor),
            History(appellant: Contributor, role: "validator"),
        })
        {
            var index = history.FindIndex(e => e.Type == "appeal_filed");
            var finding = Assert.Single(Replay(history).Findings);
            Assert.Equal(("appellant", (long)index), (finding.What, finding.Index));
        }
    }

    // The first round's review as its score recorded it (36, 36 and 60 against the median 36): what a decision short of its
    // quorum keeps.
    private static ScoredReview AsFirstRecorded(ScoredReview review) =>
        review with { Clipped = review.Score == 60, Agreement = review.Score == 60 ? 0m : 1m };

    private static AppealReplayResult Replay(IEnumerable<LogEvent> events)
    {
        var replay = new AppealReplay(TestChain.Domain);
        foreach (var e in Renumbered(events))
            replay.Add(e);
        return replay.Finish();
    }

    private static List<LogEvent> Renumbered(IEnumerable<LogEvent> events) =>
        [.. events.Select((e, i) => e with { Index = i, Sequence = i, })];

    /// <summary>
    /// Round 0 in progress: a contribution scored 40 by three reviewers, appealed, a panel of two drawn from three fresh
    /// validators, their reviews (80 and 82), the decision, and round 0's reveal.
    /// </summary>
    private static List<LogEvent> History(
        Func<AppealReviewersAssigned, AppealReviewersAssigned>? panel = null, Func<AppealDecided, AppealDecided>? decided = null,
        int[]? candidates = null, int appellant = Contributor, int? signingKey = null, int reviews = 2, string? role = null,
        int[]? revealed = null, int? removed = null)
    {
        var secret = Hex.Encode(SHA256.HashData("round 0"u8));
        var policy = new ScoringOptions().ToPolicy(Now);
        List<LogEvent> events = [];
        void Add(string stream, string type, object data) => events.Add(new(events.Count, events.Count, events.Count + 1, stream, type,
            Guid.NewGuid().ToString(), JsonSerializer.SerializeToElement(data, data.GetType(), Json)));

        Add("scoring/policies", "scoring_policy_published", policy);
        var first = FirstRound.Select(k => new AssignedReviewer(AnvilNode.DevAddresses[k], 0.5m)).ToList();
        Add("scoring/" + Id, "reviewers_assigned", new ReviewersAssigned(Id, first, 3, 2, Now, policy.Version, Now, 0, null, first, Now));
        foreach (var key in revealed ?? FirstRound)
            Add("scoring/" + Id, "review_submitted", new ReviewSubmitted(Id, AnvilNode.DevAddresses[key], 36, "accept", "1", 0, "0x", Now, null));
        var components = new ScoreComponents(50, 36, "accept", policy.AutomatedWeight, []);
        var firstScore = (policy.AutomatedWeight * 50 + (100 - policy.AutomatedWeight) * 36 + 50) / 100;
        // Reviews 36, 36 and 60: the 60 lies more than the clipping distance (20) from the median 36.
        ScoredReview[] firstReviews = [.. FirstRound.Zip(new[] { 36, 36, 60 }, (k, score) =>
            new ScoredReview(AnvilNode.DevAddresses[k], score, "accept", 0.5m, score == 60, Consensus.Agreement(score, 36, policy.ClipDistance)))];
        Add("scoring/" + Id, "contribution_scored", new ContributionScored(Id, AnvilNode.DevAddresses[Contributor], "data", firstScore, policy.Version, Now, components, firstReviews, null));

        if (removed is { } gone)
            Add("scoring/admissions", "validator_removed", new ValidatorRemoved(AnvilNode.DevAddresses[gone], "reputation", null, Now));
        var appeal = new AppealPayload(AnvilNode.DevAddresses[appellant], Id, "Underrated.", 1, (ulong)Now.AddHours(1).ToUnixTimeSeconds());
        var appealId = Hex.Encode(TypedDataSigner.Digest(appeal, TestChain.Domain));
        var signature = TypedDataSigner.Sign(appeal, TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? appellant]);
        Add("scoring/" + Id, "appeal_filed", new AppealFiled(appealId, Id, appeal.Appellant, appeal.Reason, "1", (long)appeal.Deadline, signature, firstScore, Now, role));

        var pool = (candidates ?? Fresh).Select(k => new AssignedReviewer(AnvilNode.DevAddresses[k], 0.5m)).ToList();
        var seed = AssignmentSeed.For(secret, appealId);
        var drawn = ReviewerSelection.Select(seed, pool, 2);
        var assigned = new AppealReviewersAssigned(Id, appealId, drawn, 2, 0, Hex.Encode(seed), pool, Now, Now, policy.Version, Now);
        Add("scoring/" + Id, "appeal_reviewers_assigned", panel?.Invoke(assigned) ?? assigned);
        var scores = new[] { 80, 82 };
        List<ScoredReview> used = [];
        foreach (var (reviewer, score) in drawn.Zip(scores).Take(reviews))
        {
            Add("scoring/" + Id, "review_submitted", new ReviewSubmitted(Id, reviewer.Validator, score, "accept", "1", 0, "0x", Now, null));
            used.Add(new ScoredReview(reviewer.Validator, score, "accept", 0.5m, false, Consensus.Agreement(score, 80, policy.ClipDistance)));
        }
        var final = (policy.AutomatedWeight * 50 + (100 - policy.AutomatedWeight) * 80 + 50) / 100;
        var decision = new AppealDecided(Id, appealId, AnvilNode.DevAddresses[Contributor], firstScore, final, AppealDecision.Changed,
            new ScoreComponents(50, 80, "accept", policy.AutomatedWeight, []), used, policy.Version, Now,
            AppealDecision.Remeasured(firstReviews, 80, policy.ClipDistance));
        Add("scoring/" + Id, "appeal_decided", decided?.Invoke(decision) ?? decision);
        Add("scoring/seeds", "assignment_seed_revealed", new AssignmentSeedRevealed(0, secret, Now));
        return events;
    }
}
