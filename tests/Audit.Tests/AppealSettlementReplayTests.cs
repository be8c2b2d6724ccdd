using System.Numerics;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Contracts;
using CommunityAI.Formats.Claims;
using CommunityAI.Formats.Policies;
using CommunityAI.RewardLedger.Domain;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The settlement replay on hand-made events: an honest settlement recomputes exactly (numbers worked by hand), and an
/// edited line, a settlement nobody decided, a second one, a missing one, one that credits a reversed contributor again, one
/// that pays a contributor invalidated before it (credited 0, so never reversed) and one in a closed epoch are each named at
/// their log index; reversals after a settlement take back the credit as settled.
/// </summary>
public sealed class AppealSettlementReplayTests
{
    private const string Contributor = "0x9000000000000000000000000000000000000009";
    private const string Id = "0xaa00000000000000000000000000000000000000000000000000000000000001";
    private const string Proposal = "0xbb00000000000000000000000000000000000000000000000000000000000001";
    private static readonly string A = V(1), B = V(2), C = V(3), D = V(4), E = V(5), F = V(6);
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string V(int i) => $"0x{i:x40}";

    private static ScoredReview Review(string validator, int score, bool clipped = false) => new(validator, score, "accept", 0.5m, clipped);

    /// <summary>
    /// A "data" contribution scored 40 (36, 36, 60 clipped) and credited 4,000 under a policy paying 10,000 at 100 and a tenth
    /// of that to validators (A and B 500 each); appealed, the panel (80, 82, 78) decides 71 and clips A and B.
    /// </summary>
    /// <remarks>
    /// With <paramref name="invalidatedUnpaid"/>, the first score is 0 instead, credited 0, and the contribution invalidated
    /// after its credit: nothing to take back, so no RewardAdjusted; the honest settlement pays its contributor nothing.
    /// </remarks>
    private static List<LogEvent> History(Func<AppealSettled, AppealSettled>? settle = null, bool reversedFirst = false, bool closedBefore = false,
        bool invalidatedUnpaid = false)
    {
        List<LogEvent> events = [];
        void Add(string stream, string type, object data) => events.Add(new(events.Count, events.Count, events.Count + 1, stream, type,
            Guid.NewGuid().ToString(), JsonSerializer.SerializeToElement(data, data.GetType(), Json)));

        var policy = RewardPolicy.Initial with { BasePerKind = new Dictionary<string, BigInteger> { ["data"] = 10_000 }, ValidatorShareBasisPoints = 1_000 };
        Add("ledger/policies", "reward_policy_published", policy.ToEvent(Now));
        var first = invalidatedUnpaid ? 0 : 40;
        var credited = invalidatedUnpaid ? "0" : "4000";
        Add("scoring/" + Id, "contribution_scored", new ContributionScored(Id, Contributor, "data", first, "scoring-1", Now,
            new ScoreComponents(50, 36, "accept", 30, []), [Review(A, 36), Review(B, 36), Review(C, 60, clipped: true)]));
        Add("ledger/credits/" + Id, "contribution_rewarded", new ContributionRewarded(Id, Contributor, credited, 1, "reward-1", Now));
        Add("ledger/credits/" + Id, "validators_rewarded", new ValidatorsRewarded(Id, 1, "reward-1", "1000", 1_000_000,
            [new ValidatorReward(A, 500_000, "500"), new ValidatorReward(B, 500_000, "500")], Now));
        if (reversedFirst || invalidatedUnpaid)
            Add("governance/proposals/" + Proposal, "policy_activated", new PolicyActivated(Proposal, "contribution-invalidation",
                $$"""{"contributionId":"{{Id}}","reason":"plagiarised"}""", "0x", Now));
        if (reversedFirst)
            Add("ledger/credits/" + Id, "reward_adjusted", new RewardAdjusted(Id, Contributor, "-4000", 2, "plagiarised", Proposal, Now));
        if (closedBefore)
            Add("ledger/epochs/2", "epoch_closed", new { epoch = 2 });
        Add("scoring/" + Id, "appeal_decided", new AppealDecided(Id, "0xap", Contributor, first, 71, "changed", new ScoreComponents(50, 80, "accept", 30, []),
            [Review(D, 80), Review(E, 82), Review(F, 78)], "scoring-1", Now, [Review(A, 36, true), Review(B, 36, true), Review(C, 60)]));
        var unpaid = reversedFirst || invalidatedUnpaid;
        var settled = new AppealSettled(Id, "0xap", Contributor, 71, unpaid ? credited : "7100", unpaid ? "0" : "3100", "1000", 2_000_000,
            [new ValidatorReward(C, 500_000, "250"), new ValidatorReward(D, 500_000, "250"), new ValidatorReward(E, 500_000, "250"), new ValidatorReward(F, 500_000, "250")],
            [new SettlementLine(A, "-500"), new SettlementLine(B, "-500"), new SettlementLine(C, "250"), new SettlementLine(D, "250"), new SettlementLine(E, "250"),
             new SettlementLine(F, "250"), .. unpaid ? Array.Empty<SettlementLine>() : [new SettlementLine(Contributor, "3100")]],
            2, "reward-1", Now);
        Add("ledger/credits/" + Id, "appeal_settled", settle?.Invoke(settled) ?? settled);
        return events;
    }

    private static AppealSettlementReplayResult Replay(IEnumerable<LogEvent> events)
    {
        var replay = new AppealSettlementReplay();
        foreach (var e in events.Select((e, i) => e with { Index = i, Sequence = i }))
            replay.Add(e);
        return replay.Finish();
    }

    [Fact]
    public void An_honest_settlement_recomputes_exactly()
    {
        var result = Replay(History());

        Assert.Empty(result.Findings);
        Assert.Equal((1, 1, 3_100 + 1_000, 1_000), (result.Decided, result.Settled, (int)result.Credited, (int)result.Debited));
    }

    [Fact]
    public void An_edited_amount_is_named_at_the_settlements_log_index()
    {
        var history = History(s => s with { Lines = [.. s.Lines.Select(l => l.Account == Contributor ? l with { Amount = "3101" } : l)] });

        var finding = Assert.Single(Replay(history).Findings);

        Assert.Equal(("settlement lines", (long)history.Count - 1), (finding.What, finding.Index));
        Assert.Contains("3101", finding.Detail);
        Assert.Equal(["settlement credit", "settlement contributorDelta", "settlement lines"],
            Replay(History(s => s with { Credit = "9100", ContributorDelta = "5100", Lines = [.. s.Lines.Select(l => l.Account == Contributor ? l with { Amount = "5100" } : l)] }))
                .Findings.Select(f => f.What));
    }

    [Fact]
    public void After_a_reversal_the_contributor_must_not_be_credited_again()
    {
        Assert.Empty(Replay(History(reversedFirst: true)).Findings);

        var recredited = Replay(History(s => s with { Credit = "7100", ContributorDelta = "3100", Lines = [.. s.Lines, new SettlementLine(Contributor, "3100")] }, reversedFirst: true));
        Assert.Equal(["settlement credit", "settlement pays invalidated", "settlement lines"], recredited.Findings.Select(f => f.What));
    }

    /// <summary>
    /// Credited 0, then invalidated (nothing to take back, so no RewardAdjusted), then appealed to 71: the settlement pays the
    /// validators as any settlement does and the contributor nothing. One paying the contributor what 71 would have earned
    /// (7,100, the hole this rule closes) is named for what it is, at the settlement's log index.
    /// </summary>
    [Fact]
    public void A_contribution_invalidated_before_its_settlement_is_not_paid_even_when_its_credit_left_nothing_to_reverse()
    {
        Assert.Empty(Replay(History(invalidatedUnpaid: true)).Findings);

        var history = History(s => s with { Credit = "7100", ContributorDelta = "7100", Lines = [.. s.Lines, new SettlementLine(Contributor, "7100")] },
            invalidatedUnpaid: true);
        var findings = Replay(history).Findings;

        Assert.Equal(["settlement credit", "settlement pays invalidated", "settlement lines"], findings.Select(f => f.What));
        var paid = findings.Single(f => f.What == "settlement pays invalidated");
        Assert.Equal((long)history.Count - 1, paid.Index);
        Assert.Contains(Proposal, paid.Detail);
        Assert.Contains("7100", paid.Detail);
    }

    [Fact]
    public void A_settlement_without_a_decision_a_second_one_a_missing_one_and_one_in_a_closed_epoch_are_named()
    {
        var history = History();
        Assert.Equal(["settlement without decision"], Replay(history.Where(e => e.Type != "appeal_decided")).Findings.Select(f => f.What));
        Assert.Equal(["settled twice"], Replay([.. history, history[^1]]).Findings.Select(f => f.What));
        Assert.Equal(["appeal unsettled"], Replay(history[..^1]).Findings.Select(f => f.What));
        Assert.Equal(["settlement epoch"], Replay(History(closedBefore: true)).Findings.Select(f => f.What));
    }

    /// <summary>
    /// The same case as an audit round under a slash of a whole pool: A and B, overturned, lose 1,000 each on top of their
    /// pay. The honest settlement recomputes; a slash edited, dropped from a line, or charged to a reviewer within the
    /// panel's consensus is named at the settlement's log index.
    /// </summary>
    [Fact]
    public void An_audits_slash_recomputes_and_an_edited_one_is_named_at_the_settlements_log_index()
    {
        static List<LogEvent> Audited(Func<AppealSettled, AppealSettled>? edit = null)
        {
            var history = History(s => (edit ?? (x => x))(s with
            {
                Lines = [.. s.Lines.Select(l => l.Account == A || l.Account == B ? l with { Amount = "-1500" } : l)],
                Slashes = [new ValidatorSlash(A, "1000"), new ValidatorSlash(B, "1000")],
            }));
            var decision = history.FindIndex(e => e.Type == "appeal_decided");
            history.Insert(decision, history[decision] with
            {
                Type = "appeal_filed",
                Data = JsonSerializer.SerializeToElement(new AppealFiled("0xap", Id, AppealFiled.AuditAppellant, "audit", "0", 0, "0x", 40, Now, AppealFiled.Audit), Json),
            });
            return history;
        }

        var honest = Audited();
        Assert.Empty(Replay(honest).Findings);
        // Without the filing's role the same settlement would be a contributor's appeal, which slashes nobody.
        Assert.Equal(["settlement slashes", "settlement lines"], Replay(honest.Where(e => e.Type != "appeal_filed")).Findings.Select(f => f.What));

        var edited = Replay(Audited(s => s with { Slashes = [new ValidatorSlash(A, "999"), new ValidatorSlash(B, "1000")] }));
        var finding = Assert.Single(edited.Findings);
        Assert.Equal(("settlement slashes", (long)honest.Count - 1), (finding.What, finding.Index));
        Assert.Contains("999", finding.Detail);
        Assert.Equal(["settlement lines"], Replay(Audited(s => s with { Lines = [.. s.Lines.Select(l => l.Account == A ? l with { Amount = "-500" } : l)] }))
            .Findings.Select(f => f.What));
        Assert.Equal(["settlement slashes", "settlement lines"], Replay(Audited(s => s with
        {
            Slashes = [.. s.Slashes!, new ValidatorSlash(C, "1000")],
            Lines = [.. s.Lines.Select(l => l.Account == C ? l with { Amount = "-750" } : l)],
        })).Findings.Select(f => f.What));
    }

    [Fact]
    public void A_reversal_after_a_settlement_takes_back_the_credit_as_settled_and_claim_roots_count_the_lines()
    {
        var history = History();
        void Add(string stream, string type, object data) => history.Add(new(history.Count, history.Count, history.Count + 1, stream, type,
            Guid.NewGuid().ToString(), JsonSerializer.SerializeToElement(data, data.GetType(), Json)));
        Add("governance/proposals/" + Proposal, "policy_activated", new PolicyActivated(Proposal, "contribution-invalidation",
            $$"""{"contributionId":"{{Id}}","reason":"plagiarised"}""", "0x", Now));
        Add("ledger/credits/" + Id, "reward_adjusted", new RewardAdjusted(Id, Contributor, "-7100", 2, "plagiarised", Proposal, Now));
        // Epoch 2: A and B gave back 500 each (their published 500 stays), C–F earned 250, the contributor 3100 − 7100 (4000 stays).
        var leaves = new (string, BigInteger)[] { (A, 500), (B, 500), (C, 250), (D, 250), (E, 250), (F, 250), (Contributor, 4_000) };
        Add("ledger/epochs/1", "epoch_closed", new { epoch = 1, claimRoot = ClaimTree.Build([(A, 500), (B, 500), (Contributor, 4_000)]).Root });
        Add("ledger/epochs/2", "epoch_closed", new { epoch = 2, claimRoot = ClaimTree.Build(leaves).Root, creditedInEpoch = "4100" });

        var adjustments = new AdjustmentReplay();
        var rewards = new RewardReplay();
        foreach (var e in history)
        {
            adjustments.Add(e);
            rewards.Add(e);
        }

        Assert.Empty(adjustments.Finish().Findings);
        var replayed = rewards.Finish();
        Assert.Empty(replayed.Differences);
        Assert.All(replayed.Epochs, e => Assert.True(e.Matches));

        history[^3] = history[^3] with { Data = JsonSerializer.SerializeToElement(new RewardAdjusted(Id, Contributor, "-4000", 2, "plagiarised", Proposal, Now), Json) };
        var onlyTheCredit = new AdjustmentReplay();
        foreach (var e in history)
            onlyTheCredit.Add(e);
        Assert.Equal(["adjustment amount"], onlyTheCredit.Finish().Findings.Select(f => f.What));
    }
}
