using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Formats.Claims;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The reversal replay on hand-made events: an honest reversal recomputes exactly; an adjustment nobody voted for, an edited
/// amount and a missing adjustment (for a credit recorded before the invalidation or after it) are each named; epoch roots follow the never-decreasing rule.
/// </summary>
public sealed class AdjustmentReplayTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    private const string Id = "0xaa00000000000000000000000000000000000000000000000000000000000001";
    private const string Other = "0xaa00000000000000000000000000000000000000000000000000000000000002";
    private const string Proposal = "0xbb00000000000000000000000000000000000000000000000000000000000001";

    private static LogEvent Event(long index, string stream, string type, string json) =>
        new(index, index, index + 1, stream, type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());

    private static LogEvent Credit(long index, string id, string amount, long epoch = 1) => Event(index, $"ledger/credits/{id}", "contribution_rewarded",
        $$"""{"contributionId":"{{id}}","contributor":"{{Alice}}","amount":"{{amount}}","epoch":{{epoch}}}""");

    private static LogEvent Activated(long index, string id, string proposal = Proposal) => Event(index, $"governance/proposals/{proposal}", "policy_activated",
        JsonSerializer.Serialize(new { proposalId = proposal, kind = "contribution-invalidation", payload = $$"""{"contributionId":"{{id}}","reason":"plagiarised"}""" }));

    private static LogEvent Adjusted(long index, string id, string amount = "-700", string proposal = Proposal, long epoch = 2, string account = Alice) =>
        Event(index, $"ledger/credits/{id}", "reward_adjusted",
            $$"""{"contributionId":"{{id}}","account":"{{account}}","amount":"{{amount}}","epoch":{{epoch}},"reason":"plagiarised","proposalId":"{{proposal}}"}""");

    private static LogEvent Closed(long index, long epoch) => Event(index, $"ledger/epochs/{epoch}", "epoch_closed", $$"""{"epoch":{{epoch}}}""");

    private static AdjustmentReplayResult Replay(params LogEvent[] events)
    {
        var replay = new AdjustmentReplay();
        foreach (var e in events)
            replay.Add(e);
        return replay.Finish();
    }

    [Fact]
    public void An_honest_reversal_recomputes_exactly()
    {
        var result = Replay(Credit(0, Id, "700"), Closed(1, 1), Activated(2, Id), Adjusted(3, Id));

        Assert.Empty(result.Findings);
        Assert.Equal((1, 1, 1, 700), (result.Invalidations, result.Due, result.Recorded, (int)result.Debited));
    }

    [Fact]
    public void A_planted_adjustment_without_an_activation_is_named()
    {
        var unvoted = Replay(Credit(0, Id, "700"), Adjusted(1, Id));
        var otherProposal = Replay(Credit(0, Id, "700"), Activated(1, Other), Adjusted(2, Id));

        Assert.Equal("adjustment without activation", Assert.Single(unvoted.Findings).What);
        Assert.Equal("adjustment without activation", Assert.Single(otherProposal.Findings).What);
    }

    [Fact]
    public void An_edited_amount_another_account_a_closed_epoch_and_a_second_reversal_are_named()
    {
        Assert.Equal(["adjustment amount"], Replay(Credit(0, Id, "700"), Activated(1, Id), Adjusted(2, Id, amount: "-70")).Findings.Select(f => f.What));
        Assert.Equal(["adjustment account"], Replay(Credit(0, Id, "700"), Activated(1, Id), Adjusted(2, Id, account: Bob)).Findings.Select(f => f.What));
        Assert.Equal(["adjustment epoch"], Replay(Credit(0, Id, "700"), Closed(1, 2), Activated(2, Id), Adjusted(3, Id, epoch: 2)).Findings.Select(f => f.What));
        Assert.Equal(["adjusted twice"], Replay(Credit(0, Id, "700"), Activated(1, Id), Adjusted(2, Id), Adjusted(3, Id)).Findings.Select(f => f.What));
    }

    [Fact]
    public void A_missing_adjustment_for_an_activated_invalidation_of_a_rewarded_contribution_is_named_but_not_for_one_never_rewarded()
    {
        var missing = Replay(Credit(0, Id, "700"), Activated(1, Id));
        var neverRewarded = Replay(Activated(0, Id));
        var rewardedNothing = Replay(Credit(0, Id, "0"), Activated(1, Id));

        Assert.Equal("adjustment missing", Assert.Single(missing.Findings).What);
        Assert.Empty(neverRewarded.Findings);
        Assert.Equal(0, neverRewarded.Due);
        Assert.Empty(rewardedNothing.Findings);
    }

    [Fact]
    public void A_credit_recorded_after_its_invalidation_took_effect_must_carry_its_adjustment()
    {
        // As the ledger records it: the credit and its reversal in one transaction, in the credit's epoch.
        var takenBack = Replay(Activated(0, Id), Credit(1, Id, "700", epoch: 2), Adjusted(2, Id, epoch: 2));
        // The older rule, "credited and not reversed until a second proposal": an invalidated contribution paid.
        var paid = Replay(Activated(0, Id), Credit(1, Id, "700", epoch: 2));
        var paidNothing = Replay(Activated(0, Id), Credit(1, Id, "0", epoch: 2));

        Assert.Empty(takenBack.Findings);
        Assert.Equal((1, 1, 1, 700), (takenBack.Invalidations, takenBack.Due, takenBack.Recorded, (int)takenBack.Debited));
        var missing = Assert.Single(paid.Findings);
        Assert.Equal(("adjustment missing", 1L), (missing.What, missing.Index)); // at the credit, the later of the two
        Assert.Contains("credited after it took effect", missing.Detail);
        Assert.Empty(paidNothing.Findings);
        Assert.Equal(0, paidNothing.Due);
    }

    [Fact]
    public void Replayed_epoch_roots_keep_a_debited_address_at_its_highest_amount_until_later_credits_pay_the_debit()
    {
        var replay = new RewardReplay();
        var events = new List<LogEvent> { Credit(0, Id, "700", epoch: 1) };
        events.Add(Closing(1, 1, ClaimTree.Build([(Alice, 700)]).Root, "700", "700"));
        events.Add(Adjusted(2, Id, epoch: 2));
        events.Add(Closing(3, 2, ClaimTree.Build([(Alice, 700)]).Root, "0", "700")); // net 0: the published 700 stays
        events.Add(Credit(4, Other, "900", epoch: 3));
        events.Add(Closing(5, 3, ClaimTree.Build([(Alice, 900)]).Root, "900", "900")); // net 900: 200 above 700
        foreach (var e in events)
            replay.Add(e);

        var result = replay.Finish();

        Assert.Empty(result.Differences);
        Assert.All(result.Epochs, e => Assert.True(e.Matches));
        Assert.Equal(900, (int)result.Balances.Single().Amount); // the account's net total
    }

    [Fact]
    public void A_root_that_lowers_a_debited_address_is_a_difference()
    {
        var replay = new RewardReplay();
        replay.Add(Credit(0, Id, "700", epoch: 1));
        replay.Add(Credit(1, Other, "100", epoch: 1) with { Data = JsonDocument.Parse($$"""{"contributionId":"{{Other}}","contributor":"{{Bob}}","amount":"100","epoch":1}""").RootElement.Clone() });
        replay.Add(Closing(2, 1, ClaimTree.Build([(Alice, 700), (Bob, 100)]).Root, "800", "800", accounts: 2));
        replay.Add(Adjusted(3, Id, epoch: 2));
        // A ledger that let the debit lower the claim publishes Bob alone.
        replay.Add(Closing(4, 2, ClaimTree.Build([(Bob, 100)]).Root, "0", "100"));

        var result = replay.Finish();

        Assert.Equal(["cumulativeTotal", "accounts", "claimRoot"], result.Differences.Select(d => d.What));
    }

    private static LogEvent Closing(long index, long epoch, string root, string credited, string total, int accounts = 1) => Event(index, $"ledger/epochs/{epoch}", "epoch_closed",
        $$"""{"epoch":{{epoch}},"creditedInEpoch":"{{credited}}","cumulativeTotal":"{{total}}","accounts":{{accounts}},"claimRoot":"{{root}}"}""");
}
