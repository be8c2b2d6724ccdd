using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;

namespace CommunityAI.Audit.Tests;

/// <summary>The replay core on hand-made events: what a history written by a newer or broken ledger looks like.</summary>
public sealed class RewardReplayTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    private static LogEvent Event(long index, string type, string json) =>
        new(index, index, index + 1, "ledger/x", type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());

    [Fact]
    public void Unknown_event_types_and_unknown_fields_are_stepped_over()
    {
        var replay = new RewardReplay();
        replay.Add(Event(0, "reward_policy_published", """{"version":"v2","weights":{"data":3}}"""));
        replay.Add(Event(1, "contribution_rewarded", $$"""{"contributionId":"0x01","contributor":"{{Alice}}","amount":"5","epoch":0,"bonus":"new field"}"""));
        replay.Add(Event(2, "SomethingElse", "null"));

        var result = replay.Finish();

        Assert.Empty(result.Differences);
        Assert.Equal(5, (int)result.Balances.Single().Amount);
        Assert.Equal(2, result.UnknownTypes.Count);
    }

    [Fact]
    public void A_malformed_credit_is_a_difference_not_a_crash()
    {
        var replay = new RewardReplay();
        replay.Add(Event(0, "contribution_rewarded", """{"contributionId":"0x01","contributor":"not an address","amount":"-5","epoch":"zero"}"""));
        replay.Add(Event(1, "epoch_closed", """{"epoch":"x"}"""));

        var result = replay.Finish();

        Assert.Equal(["malformed credit", "malformed epoch"], result.Differences.Select(d => d.What));
    }

    [Fact]
    public void A_credit_for_a_closed_epoch_recorded_after_the_close_is_reported_as_late()
    {
        var replay = new RewardReplay();
        replay.Add(Event(0, "contribution_rewarded", $$"""{"contributionId":"0x01","contributor":"{{Alice}}","amount":"5","epoch":0}"""));
        var root = CommunityAI.Formats.Claims.ClaimTree.Build([(Alice, 5)]).Root;
        replay.Add(Event(1, "epoch_closed", $$"""{"epoch":0,"creditedInEpoch":"5","cumulativeTotal":"5","accounts":1,"claimRoot":"{{root}}"}"""));
        replay.Add(Event(2, "contribution_rewarded", $$"""{"contributionId":"0x02","contributor":"{{Alice}}","amount":"7","epoch":0}"""));

        var result = replay.Finish();

        Assert.True(result.Epochs.Single().Matches);
        Assert.Equal(2, result.Differences.Single(d => d.What == "late credit").Index);
    }
}
