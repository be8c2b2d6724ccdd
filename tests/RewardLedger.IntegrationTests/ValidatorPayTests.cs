using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// Validators are paid through the real path: scores recorded in quality-scoring's streams, followed by the ledger's
/// leader loop, credited in the real PostgreSQL, closed into an epoch's claim tree and proven against its root.
/// </summary>
public sealed class ValidatorPayTests(ValidatorPayLedgerSystem system) : IClassFixture<ValidatorPayLedgerSystem>
{
    private sealed record ClaimView(string Address, string Amount, long Epoch, string Root, string[] Proof);

    private sealed record NodeAnswer(string Root, bool[] Verified);

    private static readonly BigInteger Token = TokenAmount.OneToken;

    [Fact]
    public async Task Each_reviewer_is_paid_its_share_by_weight_once_however_often_the_score_is_replayed_and_proves_it_in_the_claim_tree()
    {
        var api = system.Api;
        var (v1, v2, v3) = (Address.Parse(LedgerSystem.RandomAddress()), Address.Parse(LedgerSystem.RandomAddress()), Address.Parse(LedgerSystem.RandomAddress()));
        // Each review as the scoring service records it: v2 lies halfway to the clip (agreement 0.5), v3 beyond it.
        ScoredReview[] reviews = [new(v1, 80, "accept", 0.8m, false, 1m), new(v2, 75, "accept", 0.4m, false, 0.5m), new(v3, 20, "reject", 0.6m, true, 0m)];
        var data = Reviewed(LedgerSystem.Scored(LedgerSystem.RandomAddress(), 80), reviews);
        var feedback = Reviewed(LedgerSystem.Scored(LedgerSystem.RandomAddress(), 0, "feedback"), reviews); // rejected: validators are paid all the same
        var fallback = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 90) with { Fallback = "no-quorum", Reviews = [] };

        // Each notice twice, and the data score recorded a second time in its stream, as a replayed history would hold it.
        await system.PublishAsync([data, feedback, fallback, data, feedback]);
        await system.AppendAsync("scoring/" + data.ContributionId + "/again", data);
        var again = await LedgerSql.CountAsync(system.History, $"SELECT max(seq_id) FROM history.mt_events WHERE stream_id = 'scoring/{data.ContributionId}/again'");
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, "SELECT coalesce(max((data->>'sequence')::bigint), 0) FROM ledger.mt_doc_followercheckpoint WHERE id = 'scores'"),
            n => n >= again, "the follower past the replayed score");
        Assert.Equal(3, await system.CreditsAsync("true"));
        Assert.Null(await system.Services(0).GetRequiredService<CreditWriter>().CreditAsync(data, default));

        // Pools: 10% of the base, 1 token (data) and 0.2 token (feedback); weights reputation × agreement, 800000 and
        // 200000 (v2's 0.4 at half agreement), v3 clipped: 4/5 and 1/5 of each pool, exact.
        var expected = new Dictionary<string, BigInteger>
        {
            [v1] = 800_000_000_000_000_000 + 160_000_000_000_000_000,
            [v2] = 200_000_000_000_000_000 + 40_000_000_000_000_000,
        };
        Assert.Equal(2, await LedgerSql.CountAsync(system.History, "SELECT count(*) FROM history.mt_events WHERE type = 'validators_rewarded'"));
        Assert.Equal(0, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM history.mt_events WHERE type = 'validators_rewarded' AND stream_id = 'ledger/credits/{fallback.ContributionId}'"));
        var pays = await Pays();
        Assert.Equal(Token, pays[data.ContributionId].Sum);
        Assert.Equal(Token / 5, pays[feedback.ContributionId].Sum);
        Assert.Equal(["800000000000000000", "200000000000000000"], Lines(pays[data.ContributionId].Lines, v1, v2));
        Assert.DoesNotContain(v3, pays.Values.SelectMany(p => p.Lines.EnumerateArray()).Select(l => l.GetProperty("validator").GetString()));
        // The contributor's own credit is what the policy gives without validators: they are paid on top.
        Assert.Equal(TokenAmount.Format(8 * Token), (await CreditOf(data.ContributionId)).GetProperty("amount").GetString());

        // Accounts show each validator's balance and one journal entry per case.
        foreach (var (validator, amount) in expected)
        {
            var account = (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{validator}"))!;
            Assert.Equal(amount.ToString(), account.GetProperty("balance").GetString());
            Assert.Equal(2, account.GetProperty("entries").GetInt64());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/accounts/{v3}")).StatusCode);

        // An epoch closes over the pay; the served proofs verify with OpenZeppelin's merkle-tree against the history's credits.
        var claims = await Eventually.MatchesAsync(async () =>
            {
                var found = new List<ClaimView>();
                foreach (var validator in expected.Keys)
                {
                    var response = await api.GetAsync($"/api/claims/{validator}");
                    if (response.StatusCode == HttpStatusCode.OK)
                        found.Add((await response.Content.ReadFromJsonAsync<ClaimView>())!);
                }
                return found;
            }, c => c.Count == 2 && c.All(x => BigInteger.Parse(x.Amount) == expected[x.Address]) && c[0].Root == c[1].Root,
            "claims for both validators", TimeSpan.FromSeconds(30));
        var epoch = claims[0].Epoch;
        var values = await LedgerSql.RowsAsync(system.History, $"""
            SELECT address, sum(amount)::text FROM (
              SELECT data->>'contributor' AS address, (data->>'amount')::numeric AS amount, (data->>'epoch')::bigint AS epoch
              FROM history.mt_events WHERE type = 'contribution_rewarded'
              UNION ALL
              SELECT line->>'validator', (line->>'amount')::numeric, (e.data->>'epoch')::bigint
              FROM history.mt_events e CROSS JOIN LATERAL jsonb_array_elements(e.data->'lines') AS line WHERE e.type = 'validators_rewarded'
            ) AS credits WHERE epoch <= {epoch} GROUP BY 1 HAVING sum(amount) > 0
            """);
        var input = JsonSerializer.Serialize(new
        {
            values = values.Select(v => new[] { v.Address, v.Amount.ToString() }),
            root = claims[0].Root,
            claims = claims.Select(c => new { address = c.Address, amount = c.Amount, proof = c.Proof }),
        });
        var answer = JsonSerializer.Deserialize<NodeAnswer>(
            await NodeReference.RunAsync("tests/RewardLedger.IntegrationTests/verify-claims.mjs", input), JsonSerializerOptions.Web)!;
        Assert.Equal(answer.Root, claims[0].Root);
        Assert.All(answer.Verified, Assert.True);
    }

    private static ContributionScored Reviewed(ContributionScored scored, IReadOnlyList<ScoredReview> reviews) => scored with
    {
        Components = new ScoreComponents(60, 78, "accept", 40, []),
        Reviews = reviews,
    };

    private static string[] Lines(JsonElement lines, params string[] order) =>
        [.. order.Select(v => lines.EnumerateArray().Single(l => l.GetProperty("validator").GetString() == v).GetProperty("amount").GetString()!)];

    private async Task<Dictionary<string, (BigInteger Sum, JsonElement Lines)>> Pays()
    {
        var pays = new Dictionary<string, (BigInteger, JsonElement)>();
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT data::text FROM history.mt_events WHERE type = 'validators_rewarded'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var data = JsonDocument.Parse(reader.GetString(0)).RootElement.Clone();
            var lines = data.GetProperty("lines");
            var sum = lines.EnumerateArray().Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.GetProperty("amount").GetString()!));
            Assert.Equal(data.GetProperty("pool").GetString(), sum.ToString());
            pays.Add(data.GetProperty("contributionId").GetString()!, (sum, lines));
        }
        return pays;
    }

    private async Task<JsonElement> CreditOf(string contributionId) => JsonDocument.Parse(await Credits.ScalarAsync(system,
        $"SELECT data::text FROM history.mt_events WHERE type = 'contribution_rewarded' AND stream_id = 'ledger/credits/{contributionId}'")).RootElement.Clone();
}

/// <summary>With the built-in genesis policy (validator share 0) a reviewed case pays its validators nothing.</summary>
public sealed class NoValidatorShareTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    [Fact]
    public async Task A_share_of_zero_pays_no_validator()
    {
        var api = system.Api;
        var validator = Address.Parse(LedgerSystem.RandomAddress());
        var scored = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 90) with
        {
            Components = new ScoreComponents(60, 90, "accept", 40, []),
            Reviews = [new ScoredReview(validator, 90, "accept", 1m, false)],
        };
        await system.PublishAsync([scored]);

        Assert.Equal(TokenAmount.Format(9 * TokenAmount.OneToken), (await Credits.WaitAsync(system, scored.ContributionId)).GetProperty("amount").GetString());
        Assert.Equal(0, await LedgerSql.CountAsync(system.History, "SELECT count(*) FROM history.mt_events WHERE type = 'validators_rewarded'"));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/accounts/{validator}")).StatusCode);
    }
}
