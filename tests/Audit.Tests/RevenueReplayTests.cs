using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Revenue;

namespace CommunityAI.Audit.Tests;

/// <summary>The revenue replay core on hand-made events: splits the ledger did not, or could not, make honestly.</summary>
public sealed class RevenueReplayTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    private const string Treasury = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
    private const string Root = "0x1111111111111111111111111111111111111111111111111111111111111111";
    private const string A1 = "0xaa00000000000000000000000000000000000000000000000000000000000001";
    private const string B1 = "0xbb00000000000000000000000000000000000000000000000000000000000001";

    private static LogEvent Event(long index, string stream, string type, string json) =>
        new(index, index, index + 1, stream, type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());

    private static RevenueReplay History(string splitLines, string paymentId = "0xt:1", string splitStream = "ledger/revenue/0xt:1",
        string outcome = "split", int totalWeight = 4)
    {
        var replay = new RevenueReplay();
        replay.Add(Event(0, $"scoring/{A1}", "contribution_scored", $$"""{"contributionId":"{{A1}}","contributor":"{{Alice}}","score":3}"""));
        replay.Add(Event(1, $"scoring/{B1}", "contribution_scored", $$"""{"contributionId":"{{B1}}","contributor":"{{Bob}}","score":1}"""));
        replay.Add(Event(2, $"contributions/datasets/{Root}", "dataset_snapshotted",
            $$"""{"root":"{{Root}}","members":[{"contributionId":"{{A1}}"},{"contributionId":"{{B1}}"}]}"""));
        // A later score does not change what the snapshot sold.
        replay.Add(Event(3, $"scoring/{B1}", "contribution_scored", $$"""{"contributionId":"{{B1}}","contributor":"{{Bob}}","score":99}"""));
        replay.Add(Event(4, $"chain/revenue/{paymentId}", "dataset_paid",
            $$"""{"paymentId":"{{paymentId}}","snapshotRoot":"{{Root}}","amount":"10","treasury":"{{Treasury}}"}"""));
        replay.Add(Event(5, splitStream, "revenue_split",
            $$"""{"paymentId":"0xt:1","snapshotRoot":"{{Root}}","amount":"10","treasury":"{{Treasury}}","outcome":"{{outcome}}","totalWeight":{{totalWeight}},"epoch":0,"lines":[{{splitLines}}]}"""));
        return replay;
    }

    // 10·1/4 = 2.5 → 2, 10·3/4 = 7.5 → 7, one left for the treasury; contributors in ordinal order of address.
    private const string HonestLines =
        $$"""{"address":"{{Bob}}","role":"contributor","weight":1,"amount":"2"},{"address":"{{Alice}}","role":"contributor","weight":3,"amount":"7"},{"address":"{{Treasury}}","role":"treasury","weight":0,"amount":"1"}""";

    [Fact]
    public void An_honest_split_recomputes_exactly()
    {
        var result = History(HonestLines).Finish();

        Assert.Empty(result.Findings);
        Assert.Equal((1, 1, 0), (result.Payments, result.Splits, result.Pending));
        Assert.Equal((9, 1), ((int)result.ToContributors, (int)result.ToTreasury));
    }

    [Fact]
    public void A_share_moved_from_the_treasury_to_a_contributor_is_reported()
    {
        var tampered = HonestLines.Replace("\"amount\":\"7\"", "\"amount\":\"8\"", StringComparison.Ordinal)
            .Replace("\"role\":\"treasury\",\"weight\":0,\"amount\":\"1\"", "\"role\":\"treasury\",\"weight\":0,\"amount\":\"0\"", StringComparison.Ordinal);

        var result = History(tampered).Finish();

        Assert.Equal("revenue lines", Assert.Single(result.Findings).What);
    }

    [Fact]
    public void A_wrong_outcome_or_weight_and_a_split_of_a_payment_recorded_nowhere_are_reported()
    {
        var wrongOutcome = History(HonestLines, outcome: "no-scores", totalWeight: 102).Finish();
        var unpaid = History(HonestLines, paymentId: "0xother:1").Finish();

        Assert.Equal(["revenue outcome", "revenue totalWeight"], wrongOutcome.Findings.Select(f => f.What));
        Assert.Equal("split without payment", Assert.Single(unpaid.Findings).What);
    }

    [Fact]
    public void A_second_split_of_one_payment_is_reported()
    {
        var replay = History(HonestLines);
        replay.Add(Event(6, "ledger/revenue/0xt:1", "revenue_split",
            $$"""{"paymentId":"0xt:1","snapshotRoot":"{{Root}}","amount":"10","treasury":"{{Treasury}}","outcome":"split","totalWeight":4,"epoch":0,"lines":[{{HonestLines}}]}"""));

        Assert.Equal("split twice", Assert.Single(replay.Finish().Findings).What);
    }
}
