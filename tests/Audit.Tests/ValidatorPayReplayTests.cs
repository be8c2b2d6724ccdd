using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;

namespace CommunityAI.Audit.Tests;

/// <summary>The validator pay replay core on hand-made events: pay the ledger did not, or could not, make honestly.</summary>
public sealed class ValidatorPayReplayTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    private const string Carol = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
    private const string Id = "0xaa00000000000000000000000000000000000000000000000000000000000001";

    private static LogEvent Event(long index, string stream, string type, string json) =>
        new(index, index, index + 1, stream, type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());

    // Pool 10% of 1000 = 100; weights 300000 and 600000 (Carol clipped): 33.3 → 33 and 66.6 → 66, the unit left to Bob's larger remainder.
    private const string HonestLines = $$"""{"validator":"{{Bob}}","weight":600000,"amount":"67"},{"validator":"{{Alice}}","weight":300000,"amount":"33"}""";

    private static ValidatorPayReplay History(int share = 1000)
    {
        var replay = new ValidatorPayReplay();
        // A whole policy, as the ledger publishes one: a malformed policy is in force for no section (the policy replay names it).
        replay.Add(Event(0, "ledger/policies", "reward_policy_published",
            $$"""{"version":1,"basePerKind":{"data":"1000"},"capPerAddressPerEpoch":"1000000","effectiveFromEpoch":0,"validatorShareBasisPoints":{{share}}}"""));
        replay.Add(Event(1, $"scoring/{Id}", "contribution_scored", $$"""
            {"contributionId":"{{Id}}","kind":"data","score":70,"reviews":[
              {"validator":"{{Alice}}","reputation":0.3,"clipped":false},{"validator":"{{Carol}}","reputation":0.9,"clipped":true},
              {"validator":"{{Bob.ToLowerInvariant()}}","reputation":0.6000009,"clipped":false}]}
            """));
        replay.Add(Event(2, $"ledger/credits/{Id}", "contribution_rewarded", $$"""{"contributionId":"{{Id}}","amount":"700","epoch":3}"""));
        return replay;
    }

    private static LogEvent Pay(long index, string lines, string pool = "100", long epoch = 3) => Event(index, $"ledger/credits/{Id}", "validators_rewarded",
        $$"""{"contributionId":"{{Id}}","epoch":{{epoch}},"policyVersion":"reward-1","pool":"{{pool}}","totalWeight":900000,"lines":[{{lines}}]}""");

    [Fact]
    public void An_honest_pay_recomputes_exactly()
    {
        var replay = History();
        replay.Add(Pay(3, HonestLines));

        var result = replay.Finish();

        Assert.Empty(result.Findings);
        Assert.Equal((1, 1, 2, 100), (result.Due, result.Recorded, result.Lines, (int)result.Paid));
    }

    [Fact]
    public void A_pay_that_is_due_but_missing_a_second_pay_and_one_in_another_epoch_are_reported()
    {
        var missing = History().Finish();
        var twice = History();
        twice.Add(Pay(3, HonestLines));
        twice.Add(Pay(4, HonestLines));
        var late = History();
        late.Add(Pay(3, HonestLines, epoch: 4));

        Assert.Equal("validators unpaid", Assert.Single(missing.Findings).What);
        Assert.Equal("validators paid twice", Assert.Single(twice.Finish().Findings).What);
        Assert.Equal("validator pay epoch", Assert.Single(late.Finish().Findings).What);
    }

    [Fact]
    public void A_clipped_reviewer_paid_or_a_pay_under_a_share_of_zero_is_reported()
    {
        var clipped = History();
        clipped.Add(Pay(3, $$"""{"validator":"{{Bob}}","weight":600000,"amount":"66"},{"validator":"{{Alice}}","weight":300000,"amount":"33"},{"validator":"{{Carol}}","weight":0,"amount":"1"}"""));
        var unpaidPolicy = History(share: 0);
        unpaidPolicy.Add(Pay(3, HonestLines));

        Assert.Equal(["validator lines"], clipped.Finish().Findings.Select(f => f.What));
        Assert.Equal(["validator pay pool", "validator lines"], unpaidPolicy.Finish().Findings.Select(f => f.What));
    }
}
