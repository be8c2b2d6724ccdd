using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;

namespace CommunityAI.Audit.Tests;

/// <summary>The gain credit replay on hand-made events: credits the ledger did not, or could not, make honestly.</summary>
public sealed class GainRewardReplayTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    private const string Won = "0xaa00000000000000000000000000000000000000000000000000000000000001";
    private const string Lost = "0xaa00000000000000000000000000000000000000000000000000000000000002";
    private const string Hash = "0xbb00000000000000000000000000000000000000000000000000000000000001";

    private long _index;

    private LogEvent Event(string stream, string type, string json) =>
        new(_index, _index, ++_index, stream, type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());

    private LogEvent Policy(long version, long from, string? rate) => Event("ledger/policies", "reward_policy_published",
        $$"""{"version":{{version}},"basePerKind":{"model":"1000"},"zeroBelowScore":0,"scoreExponent":1,"capPerAddressPerEpoch":"1000","effectiveFromEpoch":{{from}}{{(rate is null ? "" : $",\"modelGainRewardPerBasisPoint\":\"{rate}\"")}}}""");

    private LogEvent Evaluated(string id, int gain, bool became, string? refusal = null) => Event($"model/contributions/{id}", "model_contribution_evaluated",
        JsonSerializer.Serialize(new { period = 3, contributionId = id, contributor = Alice, modelHash = Hash, refusal, gainBasisPoints = gain, becameChampion = became }));

    private LogEvent Gain(string id, string amount, long epoch = 5, string policy = "reward-2", int gain = 750, string contributor = Alice) =>
        Event($"ledger/gains/{id}", "model_gain_rewarded",
            $$"""{"contributionId":"{{id}}","contributor":"{{contributor}}","period":3,"modelHash":"{{Hash}}","gainBasisPoints":{{gain}},"amount":"{{amount}}","epoch":{{epoch}},"policyVersion":"{{policy}}"}""");

    /// <summary>Genesis pays nothing for gains (a record without the member); policy 2 pays 7 base units per basis point from epoch 4.</summary>
    private GainRewardReplay History()
    {
        _index = 0; // each history a test builds starts at log index 0
        var replay = new GainRewardReplay();
        replay.Add(Policy(1, 0, null));
        replay.Add(Policy(2, 4, "7"));
        replay.Add(Evaluated(Won, 750, became: true));
        replay.Add(Evaluated(Lost, 120, became: false));
        return replay;
    }

    [Fact]
    public void An_honest_credit_recomputes_exactly_under_the_policy_of_its_epoch()
    {
        var replay = History();
        replay.Add(Gain(Won, "5250"));

        var result = replay.Finish();

        Assert.Empty(result.Findings);
        Assert.Equal((1, 1, 5250), (result.Due, result.Recorded, (int)result.Paid));
    }

    [Fact]
    public void A_credit_under_a_policy_recorded_without_the_member_pays_zero()
    {
        var replay = History();
        replay.Add(Gain(Won, "0", epoch: 3, policy: "reward-1"));

        Assert.Empty(replay.Finish().Findings);
    }

    [Fact]
    public void A_tampered_amount_a_credit_for_a_model_that_did_not_win_a_second_credit_and_a_missing_one_are_named_at_their_index()
    {
        var tampered = History();
        tampered.Add(Gain(Won, "5251"));
        var loser = History();
        loser.Add(Gain(Won, "5250"));
        loser.Add(Gain(Lost, "840", gain: 120));
        var twice = History();
        twice.Add(Gain(Won, "5250"));
        twice.Add(Gain(Won, "5250"));
        var missing = History();
        var redirected = History();
        redirected.Add(Gain(Won, "5250", contributor: Bob));

        var finding = Assert.Single(tampered.Finish().Findings);
        Assert.Equal(("gain reward amount", 4L), (finding.What, finding.Index));
        Assert.Equal(["gain reward without a champion change"], loser.Finish().Findings.Select(f => f.What));
        Assert.Equal(["gain rewarded twice"], twice.Finish().Findings.Select(f => f.What));
        var unpaid = Assert.Single(missing.Finish().Findings);
        Assert.Equal(("gain unrewarded", 2L), (unpaid.What, unpaid.Index));
        Assert.Equal(["gain reward contributor"], redirected.Finish().Findings.Select(f => f.What));
    }

    [Fact]
    public void A_refused_model_is_due_nothing_and_a_credit_without_its_evaluation_is_named()
    {
        var replay = new GainRewardReplay();
        replay.Add(Policy(1, 0, "7"));
        replay.Add(Evaluated(Lost, 0, became: false, refusal: "wrong input shape"));
        replay.Add(Gain(Won, "5250", epoch: 0, policy: "reward-1"));

        var result = replay.Finish();

        Assert.Equal(0, result.Due);
        Assert.Equal(["gain reward without evaluation"], result.Findings.Select(f => f.What));
    }

    private const string Proposal = "0xcc00000000000000000000000000000000000000000000000000000000000001";
    private const string OtherProposal = "0xcc00000000000000000000000000000000000000000000000000000000000002";

    private LogEvent Invalidated(string id, string proposal = Proposal) => Event($"governance/proposals/{proposal}", "policy_activated",
        JsonSerializer.Serialize(new { proposalId = proposal, kind = "contribution-invalidation", payload = JsonSerializer.Serialize(new { contributionId = id, reason = "copied" }) }));

    private LogEvent Reversed(string id, string amount, string proposal = Proposal, string account = Alice, long epoch = 5) =>
        Event($"ledger/gains/{id}", "model_gain_reversed",
            JsonSerializer.Serialize(new { contributionId = id, account, amount, epoch, reason = "copied", proposalId = proposal }));

    [Fact]
    public void An_invalidated_contributions_gain_taken_back_exactly_replays_clean_whichever_came_first()
    {
        var after = History();
        after.Add(Gain(Won, "5250"));
        after.Add(Invalidated(Won));
        after.Add(Reversed(Won, "-5250"));
        // Invalidated before the evaluation was read: the credit and its reversal in one transaction.
        var before = History();
        before.Add(Invalidated(Won));
        before.Add(Gain(Won, "5250"));
        before.Add(Reversed(Won, "-5250"));
        // A credit of 0 has nothing to take back.
        var unpaid = History();
        unpaid.Add(Invalidated(Won));
        unpaid.Add(Gain(Won, "0", epoch: 3, policy: "reward-1"));

        foreach (var replay in new[] { after, before })
        {
            var result = replay.Finish();
            Assert.Empty(result.Findings);
            Assert.Equal((1, 1, 5250), (result.ReversalsDue, result.Reversed, (int)result.TakenBack));
        }
        Assert.Empty(unpaid.Finish().Findings);
    }

    [Fact]
    public void A_gain_of_an_invalidated_contribution_left_standing_is_named_in_either_order()
    {
        var after = History();
        after.Add(Gain(Won, "5250"));
        after.Add(Invalidated(Won));
        var before = History();
        before.Add(Invalidated(Won));
        before.Add(Gain(Won, "5250"));

        var standing = Assert.Single(after.Finish().Findings);
        Assert.Equal(("gain reversal missing", 4L), (standing.What, standing.Index));
        var early = Assert.Single(before.Finish().Findings);
        Assert.Equal(("gain reversal missing", 5L), (early.What, early.Index));
    }

    [Fact]
    public void A_reversal_of_a_wrong_amount_account_or_proposal_without_an_invalidation_or_twice_is_named_at_its_index()
    {
        var wrongAmount = History();
        wrongAmount.Add(Gain(Won, "5250"));
        wrongAmount.Add(Invalidated(Won));
        wrongAmount.Add(Reversed(Won, "-5000"));
        var wrongAccount = History();
        wrongAccount.Add(Gain(Won, "5250"));
        wrongAccount.Add(Invalidated(Won));
        wrongAccount.Add(Reversed(Won, "-5250", account: Bob));
        // Not an address at all: named by the one account rule every reversal kind shares, in its words.
        var notAnAddress = History();
        notAnAddress.Add(Gain(Won, "5250"));
        notAnAddress.Add(Invalidated(Won));
        notAnAddress.Add(Reversed(Won, "-5250", account: "emission"));
        var unasked = History();
        unasked.Add(Gain(Won, "5250"));
        unasked.Add(Reversed(Won, "-5250"));
        var otherProposal = History();
        otherProposal.Add(Gain(Won, "5250"));
        otherProposal.Add(Invalidated(Won));
        otherProposal.Add(Reversed(Won, "-5250", proposal: OtherProposal));
        var twice = History();
        twice.Add(Gain(Won, "5250"));
        twice.Add(Invalidated(Won));
        twice.Add(Reversed(Won, "-5250"));
        twice.Add(Reversed(Won, "-5250"));
        var uncredited = History();
        uncredited.Add(Invalidated(Won));
        uncredited.Add(Reversed(Won, "-5250"));

        var amount = Assert.Single(wrongAmount.Finish().Findings);
        Assert.Equal(("gain reversal amount", 6L), (amount.What, amount.Index));
        Assert.Equal(["gain reversal account"], wrongAccount.Finish().Findings.Select(f => f.What));
        var notAddress = Assert.Single(notAnAddress.Finish().Findings);
        Assert.Equal("gain reversal account", notAddress.What);
        Assert.Contains($"credited {Alice}, but the reversal debits emission", notAddress.Detail, StringComparison.OrdinalIgnoreCase);
        // Without an invalidation the reversal is named, and the credit stands as due (no activation asks it back).
        var lone = Assert.Single(unasked.Finish().Findings);
        Assert.Equal(("gain reversal without activation", 5L), (lone.What, lone.Index));
        Assert.Equal(["gain reversal without activation"], otherProposal.Finish().Findings.Select(f => f.What));
        Assert.Equal(["gain reversed twice"], twice.Finish().Findings.Select(f => f.What));
        Assert.Equal(["gain reversal without credit", "gain unrewarded"], uncredited.Finish().Findings.Select(f => f.What).Order());
    }
}
