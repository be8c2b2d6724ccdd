using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.RewardLedger.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static CommunityAI.RewardLedger.IntegrationTests.AppealSettlementTests;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// The slash through the real path: scores and audit rounds recorded in quality-scoring's streams, settled by the ledger's
/// follower in the real PostgreSQL (scores arriving over RabbitMQ), closed into claim trees. The genesis policy pays a
/// case's validators 1 token ("data", a tenth of its 10-token base) and slashes the genesis default, a whole pool: 1 token
/// for each first-round review a panel overturns.
/// </summary>
public sealed class SlashTests(AppealLedgerSystem system) : IClassFixture<AppealLedgerSystem>
{
    private static readonly BigInteger Token = TokenAmount.OneToken;
    private readonly AppealSettlementTests _steps = new(system);

    [Fact]
    public async Task An_audit_that_overturns_careless_reviews_slashes_each_exactly_the_policy_amount_and_the_claim_never_goes_down()
    {
        var api = system.Api;
        Assert.Equal(RewardPolicy.WholeShare, RewardPolicy.DefaultSlashBasisPoints);
        // Scored 40: A and B reviewed 36 carelessly, C 60 (clipped in its round); A and B were paid 0.5 token each.
        var @case = Case.Reviewed(40, [36, 36, 60]);
        var (a, b, c) = (@case.First[0], @case.First[1], @case.First[2]);
        await system.PublishAsync([@case.Scored]);
        var credit = await _steps.SettledOrCreditedAsync(@case.Scored.ContributionId, "contribution_rewarded");
        var published = await ClaimCoveringAsync(api, a, credit.GetProperty("epoch").GetInt64());
        Assert.Equal(Token / 2, BigInteger.Parse(published.Amount));

        // The audit's panel (80, 82, 78) decides 71: A's and B's 36 are overturned, C's 60 lies within the clip of 80.
        await _steps.DecideAsync(@case, @case.Decided(71, [80, 82, 78]), AppealFiled.Audit);
        var settled = await _steps.SettledOrCreditedAsync(@case.Scored.ContributionId, "appeal_settled");

        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal).Select(v => (v, TokenAmount.Format(Token))),
            settled.GetProperty("slashes").EnumerateArray().Select(s => (s.GetProperty("validator").GetString()!, s.GetProperty("amount").GetString()!)));
        var lines = settled.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("account").GetString()!, l => BigInteger.Parse(l.GetProperty("amount").GetString()!));
        // A: its 0.5 of pay taken back (the panel's consensus clips it) and the 1-token slash; C: a quarter of the pool, unslashed.
        Assert.Equal(-(Token / 2) - Token, lines[a]);
        Assert.Equal(-(Token / 2) - Token, lines[b]);
        Assert.Equal(Token / 4, lines[c]);
        // The sums: the lines move exactly the contributor's change, the pool's new split minus the old, minus the slashes.
        Assert.Equal(BigInteger.Parse(settled.GetProperty("contributorDelta").GetString()!) + Token - Token - 2 * Token, lines.Values.Aggregate(BigInteger.Zero, (s, v) => s + v));
        Assert.Equal("-" + TokenAmount.Format(Token), await BalanceAsync(api, a));
        Assert.Equal(TokenAmount.Format(Token / 4), await BalanceAsync(api, c));
        // Where the validator looks: its account's entry for the settlement says how much of it is the slash.
        var entry = (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{a}")).GetProperty("items").EnumerateArray()
            .Single(e => e.GetProperty("id").GetString() == $"appeal:{@case.Scored.ContributionId}:{a}");
        Assert.Equal(TokenAmount.Format(Token), entry.GetProperty("slashed").GetString());
        Assert.Equal("-" + TokenAmount.Format(3 * Token / 2), entry.GetProperty("amount").GetString());

        // The claim published before the slash stays where it was: A's net is −1 token, its claim 0.5.
        var afterSlash = await ClaimCoveringAsync(api, a, settled.GetProperty("epoch").GetInt64());
        Assert.Equal(Token / 2, BigInteger.Parse(afterSlash.Amount));

        // Later earnings pay the debit first: A alone unclipped on a "model" case (pool 2 tokens) brings its net to 1 token,
        // and only then does the claim rise, to 1 token, not 2.5.
        var later = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 50, "model") with
        {
            Components = new ScoreComponents(50, 50, "accept", 30, []),
            Reviews = [new ScoredReview(a, 50, "accept", 0.5m, false), new ScoredReview(b, 95, "accept", 0.5m, true)],
        };
        await system.PublishAsync([later]);
        var laterCredit = await _steps.SettledOrCreditedAsync(later.ContributionId, "validators_rewarded");
        var raised = await ClaimCoveringAsync(api, a, laterCredit.GetProperty("epoch").GetInt64());
        Assert.Equal(Token, BigInteger.Parse(raised.Amount));
        Assert.Equal(TokenAmount.Format(Token), await BalanceAsync(api, a));
    }

    [Fact]
    public async Task A_redelivered_decision_and_a_second_replica_record_one_slash()
    {
        var api = system.Api;
        _ = system.StartReplica();
        var @case = Case.Reviewed(40, [36, 36, 60]);
        await system.PublishAsync([@case.Scored]);
        await _steps.SettledOrCreditedAsync(@case.Scored.ContributionId, "contribution_rewarded");
        var decided = @case.Decided(71, [80, 82, 78]);
        var stream = "scoring/" + @case.Scored.ContributionId;

        // The follower settles it while both replicas' settlers are handed the same decision three times each.
        await _steps.DecideAsync(@case, decided, AppealFiled.Audit);
        var settlers = new[] { 0, 1 }.Select(i => system.Services(i).GetRequiredService<AppealSettler>()).ToList();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => settlers[i % 2].SettleAsync(decided, stream, default))));
        await _steps.SettledOrCreditedAsync(@case.Scored.ContributionId, "appeal_settled");

        Assert.True(results.Count(r => r is not null) <= 1, "at most one caller records the settlement");
        Assert.Null(await settlers[1].SettleAsync(decided, stream, default));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM history.mt_events WHERE type = 'appeal_settled' AND stream_id = 'ledger/credits/{@case.Scored.ContributionId}'"));
        Assert.Equal("-" + TokenAmount.Format(Token), await BalanceAsync(api, @case.First[0]));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM ledger.mt_doc_journalentry WHERE id = 'appeal:{@case.Scored.ContributionId}:{@case.First[0]}'"));
    }

    [Theory]
    [InlineData(AppealFiled.Contributor)]
    [InlineData(AppealFiled.Reviewer)]
    public async Task A_reviewer_within_the_panels_consensus_is_not_slashed_and_a_contributors_appeal_slashes_nobody(string role)
    {
        var api = system.Api;
        var @case = Case.Reviewed(40, [36, 36, 60]);
        await system.PublishAsync([@case.Scored]);
        await _steps.SettledOrCreditedAsync(@case.Scored.ContributionId, "contribution_rewarded");

        await _steps.DecideAsync(@case, @case.Decided(71, [80, 82, 78]), role);
        var settled = await _steps.SettledOrCreditedAsync(@case.Scored.ContributionId, "appeal_settled");

        var slashed = settled.GetProperty("slashes").EnumerateArray().Select(s => s.GetProperty("validator").GetString()).ToList();
        Assert.DoesNotContain(@case.First[2], slashed); // C's 60 is within the clip of the panel's 80
        Assert.Equal(role == AppealFiled.Contributor ? 0 : 2, slashed.Count);
        Assert.Equal(role == AppealFiled.Contributor ? "0" : "-" + TokenAmount.Format(Token), await BalanceAsync(api, @case.First[0]));
        Assert.Equal(TokenAmount.Format(Token / 4), await BalanceAsync(api, @case.First[2]));
    }

    private static async Task<string?> BalanceAsync(HttpClient api, string address) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{address}")).GetProperty("balance").GetString();
}
