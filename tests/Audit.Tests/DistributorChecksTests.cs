using System.Numerics;
using System.Text;
using System.Text.Json;
using CommunityAI.Audit.Chain;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Verification;
using CommunityAI.Formats.Claims;

namespace CommunityAI.Audit.Tests;

/// <summary>The on-chain checks on hand-made chain activity: what a compromised publisher, guardian or minter leaves behind.</summary>
public sealed class DistributorChecksTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Distributor = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private const string Token = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
    private static readonly string Root = ClaimTree.Build([(Alice, 5)]).Root;

    private static ClaimHistory History()
    {
        var history = new ClaimHistory();
        history.Add(Event(0, "contribution_rewarded", $$"""{"contributionId":"0x01","contributor":"{{Alice}}","amount":"5","epoch":1}"""));
        history.Add(Event(1, "epoch_closed", $$"""{"epoch":1,"cumulativeTotal":"5","claimRoot":"{{Root}}"}"""));
        return history;
    }

    private static LogEvent Event(long index, string type, string json) =>
        new(index, index, index + 1, "ledger/x", type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());

    private static DistributorActivity Chain(ChainRoot[] roots, ChainClaim[] claims, ChainVeto[]? vetoes = null, BigInteger? supply = null) =>
        new(Distributor, Token, 100, roots, vetoes ?? [], claims,
            [.. claims.Select(c => new ChainMint(c.Account, c.Amount, c.BlockNumber, c.TransactionHash))], [],
            supply ?? claims.Aggregate(BigInteger.Zero, (s, c) => s + c.Amount), claims.Aggregate(BigInteger.Zero, (s, c) => s + c.Amount));

    [Fact]
    public void A_claim_paying_more_than_the_historys_tree_is_named()
    {
        // A root whose tree the history does not back paid Alice 50 (the guardian missed it): the claim and supply fail.
        var chain = Chain([new ChainRoot(1, Root, 5, 10, "0xaa", 0), new ChainRoot(2, "0x" + new string('1', 64), 50, 11, "0xbb", 0)],
            [new ChainClaim(Alice, 2, 50, 50, 12, "0xcc")]);

        var findings = DistributorChecks.Run(History(), chain, Token);

        Assert.Contains(findings, f => !f.Passed && f.Check == "claims" && f.Detail.Contains("where the history's tree gives nothing", StringComparison.Ordinal));
        Assert.Contains(findings, f => !f.Passed && f.Check == "token supply" && f.Detail.Contains("more than the 5", StringComparison.Ordinal));
        Assert.Contains(findings, f => !f.Passed && f.Check.StartsWith("claim root epoch 2", StringComparison.Ordinal));
    }

    [Fact]
    public void A_forged_root_the_guardian_vetoed_before_it_could_pay_passes_with_the_veto_named()
    {
        var forged = "0x" + new string('2', 64);
        var chain = Chain([new ChainRoot(1, Root, 5, 10, "0xaa", 0), new ChainRoot(2, forged, 50, 11, "0xbb", 0)],
            [new ChainClaim(Alice, 1, 5, 5, 12, "0xcc")], [new ChainVeto(2, forged, "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f", 11, "0xdd")]);

        var findings = DistributorChecks.Run(History(), chain, Token);

        Assert.All(findings, f => Assert.True(f.Passed, f.Detail));
        Assert.Contains(findings, f => f.Check.StartsWith("claim root epoch 2", StringComparison.Ordinal) && f.Detail.Contains("vetoed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_published_total_above_the_tree_total_is_named_even_with_the_right_root()
    {
        var chain = Chain([new ChainRoot(1, Root, 500, 10, "0xaa", 0)], []);

        var findings = DistributorChecks.Run(History(), chain, Token);

        Assert.Contains(findings, f => !f.Passed && f.Detail.Contains("cumulative total 500, but its tree adds up to 5", StringComparison.Ordinal));
    }

    [Fact]
    public void A_distributor_minting_another_token_than_the_deployments_is_named()
    {
        var findings = DistributorChecks.Run(History(), Chain([new ChainRoot(1, Root, 5, 10, "0xaa", 0)], []), "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc");

        Assert.Contains(findings, f => !f.Passed && f.Check == "token");
    }

    [Fact]
    public void An_appeal_settlements_lines_enter_the_recomputed_root_once_and_only_from_the_ledgers_credit_streams()
    {
        const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
        var history = new ClaimHistory();
        history.Add(Event(0, "contribution_rewarded", $$"""{"contributionId":"0x01","contributor":"{{Alice}}","amount":"5","epoch":1}"""));
        // The panel lowered Alice's score (she gives 2 back) and paid Bob 3 for sitting on it.
        var settled = $$"""{"contributionId":"0x01","epoch":1,"lines":[{"account":"{{Alice}}","amount":"-2"},{"account":"{{Bob}}","amount":"3"}]}""";
        history.Add(new LogEvent(1, 1, 2, "ledger/credits/0x01", "appeal_settled", Guid.NewGuid().ToString(), JsonDocument.Parse(settled).RootElement.Clone()));
        // The same settlement again, and one planted in another service's stream, count for nothing.
        history.Add(new LogEvent(2, 2, 3, "ledger/credits/0x01", "appeal_settled", Guid.NewGuid().ToString(), JsonDocument.Parse(settled).RootElement.Clone()));
        history.Add(new LogEvent(3, 3, 4, "scoring/0x01", "appeal_settled", Guid.NewGuid().ToString(),
            JsonDocument.Parse(settled.Replace("\"0x01\"", "\"0x02\"", StringComparison.Ordinal)).RootElement.Clone()));
        var expected = ClaimTree.Build([(Alice, 3), (Bob, 3)]).Root;
        history.Add(Event(4, "epoch_closed", $$"""{"epoch":1,"cumulativeTotal":"6","claimRoot":"{{expected}}"}"""));

        Assert.True(ClaimHistory.IsRelevant("""{"data":{},"index":1,"type":"appeal_settled","version":1}"""u8));
        Assert.Equal(expected, history.Closing(1)!.Recomputed!.Root);
    }

    [Theory]
    [InlineData("ledger/gains/", "model_gain_rewarded", "model_gain_reversed")]
    [InlineData("ledger/data-value/", "data_value_rewarded", "data_value_reversed")]
    public void A_measured_credit_and_its_reversal_enter_the_recomputed_root_once_and_only_from_their_kinds_streams(string streams, string credit, string reversal)
    {
        const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
        var history = new ClaimHistory();
        LogEvent At(long index, string stream, string type, string json) =>
            new(index, index, index + 1, stream, type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());
        // Alice is credited 7 and keeps it; Bob is credited 4 and his invalidation takes it back.
        history.Add(At(0, streams + "0x01", credit, $$"""{"contributionId":"0x01","contributor":"{{Alice}}","amount":"7","epoch":1}"""));
        history.Add(At(1, streams + "0x02", credit, $$"""{"contributionId":"0x02","contributor":"{{Bob}}","amount":"4","epoch":1}"""));
        history.Add(At(2, streams + "0x02", reversal, $$"""{"contributionId":"0x02","account":"{{Bob}}","amount":"-4","epoch":1}"""));
        // A second credit of one contribution, and one planted in another service's stream, count for nothing.
        history.Add(At(3, streams + "0x01", credit, $$"""{"contributionId":"0x01","contributor":"{{Alice}}","amount":"7","epoch":1}"""));
        history.Add(At(4, "scoring/0x03", credit, $$"""{"contributionId":"0x03","contributor":"{{Bob}}","amount":"9","epoch":1}"""));
        var expected = ClaimTree.Build([(Alice, 7)]).Root;
        history.Add(Event(5, "epoch_closed", $$"""{"epoch":1,"cumulativeTotal":"7","claimRoot":"{{expected}}"}"""));

        Assert.True(ClaimHistory.IsRelevant(Encoding.UTF8.GetBytes($$"""{"data":{},"index":1,"type":"{{credit}}","version":1}""")));
        Assert.True(ClaimHistory.IsRelevant(Encoding.UTF8.GetBytes($$"""{"data":{},"index":1,"type":"{{reversal}}","version":1}""")));
        Assert.Equal(expected, history.Closing(1)!.Recomputed!.Root);
    }

    [Fact]
    public void Only_the_envelope_type_decides_whether_an_entry_is_read()
    {
        Assert.True(ClaimHistory.IsRelevant("""{"data":{"type":"x"},"index":3,"type":"epoch_closed","version":1}"""u8));
        Assert.False(ClaimHistory.IsRelevant("""{"data":{"type":"epoch_closed"},"index":3,"type":"contribution_scored","version":1}"""u8));
    }
}
