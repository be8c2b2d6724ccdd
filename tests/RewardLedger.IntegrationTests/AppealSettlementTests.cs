using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// An appeal's reward consequence through the real path: scores and appeal decisions recorded in quality-scoring's streams,
/// followed by the ledger's leader loops, settled in the real PostgreSQL, closed into epochs' claim trees. The genesis policy
/// pays 10 tokens for "data" at 100 and a tenth of that (1 token) to a case's validators.
/// </summary>
public sealed class AppealSettlementTests(AppealLedgerSystem system) : IClassFixture<AppealLedgerSystem>
{
    internal sealed record ClaimView(string Address, string Amount, long Epoch, string Root, string[] Proof);

    private static readonly BigInteger Token = TokenAmount.OneToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static string NewAddress() => Address.Parse(LedgerSystem.RandomAddress());

    private static ScoredReview Review(string validator, int score, bool clipped = false) => new(validator, score, "accept", 0.5m, clipped);

    /// <summary>A first round (three validators, reputations 0.5) and the panel of its appeal (three more).</summary>
    internal sealed record Case(string Contributor, string[] First, string[] Panel, ContributionScored Scored)
    {
        public static Case Reviewed(int score, int[] reviews, int clipDistance = 20)
        {
            var first = Enumerable.Range(0, 3).Select(_ => NewAddress()).ToArray();
            var median = reviews.Order().ElementAt(1);
            var scored = LedgerSystem.Scored(NewAddress(), score) with
            {
                Components = new ScoreComponents(50, median, "accept", 30, []),
                Reviews = [.. first.Zip(reviews, (v, s) => Review(v, s, Math.Abs(s - median) > clipDistance))],
            };
            return new Case(scored.Contributor, first, [.. Enumerable.Range(0, 3).Select(_ => NewAddress())], scored);
        }

        /// <summary>The panel's decision as quality-scoring records it: the first round measured against the panel's consensus.</summary>
        public AppealDecided Decided(int final, int[] panelScores, int clipDistance = 20)
        {
            var consensus = panelScores.Order().ElementAt(1);
            return new AppealDecided(Scored.ContributionId, "0x" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + new string('0', 32), Contributor,
                Scored.Score, final, final == Scored.Score ? "upheld" : "changed", new ScoreComponents(50, consensus, "accept", 30, []),
                [.. Panel.Zip(panelScores, (v, s) => Review(v, s, Math.Abs(s - consensus) > clipDistance))], "scoring-1", DateTimeOffset.UtcNow,
                [.. Scored.Reviews!.Select(r => r with { Clipped = Math.Abs(r.Score - consensus) > clipDistance })]);
        }
    }

    /// <summary>Settled once across replicas and a restart; in a class of its own, since it stops the first replica.</summary>
    public sealed class Restart(AppealLedgerSystem system) : IClassFixture<AppealLedgerSystem>
    {
        private readonly AppealSettlementTests _steps = new(system);

        [Fact]
        public async Task An_appeal_that_raises_the_score_credits_the_difference_pays_the_panel_and_is_settled_once_across_replicas_and_a_restart()
        {
            var api = system.Api;
            // Scored 40 (36, 36, 60: the 60 clipped): credited 4 tokens; validators A and B paid 0.5 each.
            var @case = Case.Reviewed(40, [36, 36, 60]);
            await system.PublishAsync([@case.Scored]);
            await _steps.SettledOrCreditedAsync(@case.Scored.ContributionId, "contribution_rewarded");

            // The panel (80, 82, 78) decides 71; measured against its 80, A's and B's 36 are clipped, C's 60 is not.
            var decision = await _steps.DecideAsync(@case, @case.Decided(71, [80, 82, 78]));
            var settled = await _steps.SettledOrCreditedAsync(@case.Scored.ContributionId, "appeal_settled");

            Assert.Equal(TokenAmount.Format(31 * Token / 10), settled.GetProperty("contributorDelta").GetString());
            Assert.Equal(TokenAmount.Format(71 * Token / 10), settled.GetProperty("credit").GetString());
            var (a, b, c) = (@case.First[0], @case.First[1], @case.First[2]);
            var quarter = Token / 4;
            var expected = new Dictionary<string, BigInteger>
            {
                [@case.Contributor] = 71 * Token / 10, [a] = 0, [b] = 0, [c] = quarter,
                [@case.Panel[0]] = quarter, [@case.Panel[1]] = quarter, [@case.Panel[2]] = quarter,
            };
            var validators = settled.GetProperty("validators").EnumerateArray().ToList();
            Assert.Equal(Token, validators.Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.GetProperty("amount").GetString()!)));
            Assert.Equal(TokenAmount.Format(Token), settled.GetProperty("pool").GetString());
            Assert.Equal(expected.Where(e => e.Key != @case.Contributor && e.Value > 0).Select(e => e.Key).Order(StringComparer.Ordinal),
                validators.Select(l => l.GetProperty("validator").GetString()!));
            foreach (var (address, balance) in expected)
                Assert.Equal(TokenAmount.Format(balance), (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{address}")).GetProperty("balance").GetString());

            // Two replicas at once: a second case's decision settled by the leader's follower and, racing it, by both replicas'
            // settlers called directly, three times each. One settlement, one credit of the difference.
            var second = api;
            api = system.StartReplica();
            var raced = Case.Reviewed(40, [36, 36, 60]);
            await system.PublishAsync([raced.Scored]);
            await _steps.SettledOrCreditedAsync(raced.Scored.ContributionId, "contribution_rewarded");
            var racedDecision = raced.Decided(71, [80, 82, 78]);
            await _steps.DecideAsync(raced, racedDecision);
            var settlers = new[] { 0, 1 }.Select(i => system.Services(i).GetRequiredService<AppealSettler>()).ToList();
            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
                Task.Run(() => settlers[i % 2].SettleAsync(racedDecision, "scoring/" + raced.Scored.ContributionId, default))));
            await _steps.SettledOrCreditedAsync(raced.Scored.ContributionId, "appeal_settled");
            Assert.True(results.Count(r => r is not null) <= 1, "at most one caller records the settlement");
            Assert.Equal(TokenAmount.Format(71 * Token / 10),
                (await second.GetFromJsonAsync<JsonElement>($"/api/accounts/{raced.Contributor}")).GetProperty("balance").GetString());

            // Read again: the second replica takes over after a restart that lost the follower's checkpoint, and the settler is
            // called directly. Still one settlement, and nobody's balance moved twice.
            await system.StopReplicaAsync(0);
            await LedgerSql.ExecuteAsync(system.History, "UPDATE ledger.mt_doc_followercheckpoint SET data = jsonb_set(data, '{sequence}', '0') WHERE id = 'appeals'");
            await Eventually.MatchesAsync(_steps.AppealCheckpoint, n => n >= decision, "the new leader to read every decision again", Patience);
            var decided = JsonSerializer.Deserialize<AppealDecided>(await _steps.DataAsync($"stream_id = 'scoring/{@case.Scored.ContributionId}' AND type = 'appeal_decided'"),
                CommunityAI.ServiceDefaults.History.OutboxRoutes.HistoryJson)!;
            Assert.Null(await system.Services(1).GetRequiredService<AppealSettler>().SettleAsync(decided, "scoring/" + @case.Scored.ContributionId, default));
            Assert.Equal(1, await LedgerSql.CountAsync(system.History,
                $"SELECT count(*) FROM history.mt_events WHERE type = 'appeal_settled' AND stream_id = 'ledger/credits/{@case.Scored.ContributionId}'"));
            foreach (var (address, balance) in expected)
                Assert.Equal(TokenAmount.Format(balance), (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{address}")).GetProperty("balance").GetString());
            // The books balance: every journal entry sums to zero, and every account's balance and entry count are its entries'.
            Assert.Equal(BigInteger.Zero, await LedgerSql.SumAsync(system.History,
                "SELECT sum((l->>'amount')::numeric) FROM ledger.mt_doc_journalentry, jsonb_array_elements(data->'lines') l"));
            var unbalanced = await LedgerSql.CountAsync(system.History, """
                SELECT count(*) FROM (SELECT a.id FROM ledger.mt_doc_ledgeraccount a LEFT JOIN ledger.mt_doc_journalentry e ON e.data->>'contributor' = a.id
                GROUP BY a.id, a.data HAVING (a.data->>'entries')::bigint <> count(e.id)
                    OR (a.data->>'balance')::numeric <> coalesce(sum((e.data->>'amount')::numeric), 0)) AS off
                """);
            Assert.Equal(0, unbalanced);
        }
    }

    [Fact]
    public async Task An_appeal_that_lowers_the_score_debits_the_contributor_and_the_published_claim_does_not_go_down()
    {
        var api = system.Api;
        var @case = Case.Reviewed(90, [90, 90, 88]);
        await system.PublishAsync([@case.Scored]);
        var credit = await SettledOrCreditedAsync(@case.Scored.ContributionId, "contribution_rewarded");
        var claimed = await ClaimCoveringAsync(api, @case.Contributor, credit.GetProperty("epoch").GetInt64());
        Assert.Equal(9 * Token, BigInteger.Parse(claimed.Amount));

        // The panel (20, 22, 24) decides 25: the contributor gives back 6.5 tokens, in an epoch still open.
        await DecideAsync(@case, @case.Decided(25, [20, 22, 24]));
        var settled = await SettledOrCreditedAsync(@case.Scored.ContributionId, "appeal_settled");
        Assert.Equal("-" + TokenAmount.Format(65 * Token / 10), settled.GetProperty("contributorDelta").GetString());
        var epoch = settled.GetProperty("epoch").GetInt64();
        Assert.True(epoch > claimed.Epoch, "the debit lands in an epoch still open, never in a published one");

        // The balance shows the net; the claim stays at what was published until later earnings pay the debit.
        Assert.Equal(TokenAmount.Format(25 * Token / 10),
            (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{@case.Contributor}")).GetProperty("balance").GetString());
        var after = await ClaimCoveringAsync(api, @case.Contributor, epoch);
        Assert.Equal(9 * Token, BigInteger.Parse(after.Amount));
        // Every first-round reviewer now lies far from the panel: their pay moved to the panel, the case still pays one token.
        Assert.All(@case.First, v => Assert.Contains(settled.GetProperty("lines").EnumerateArray(),
            l => l.GetProperty("account").GetString() == v && l.GetProperty("amount").GetString()!.StartsWith('-')));
        Assert.Equal(Token, settled.GetProperty("validators").EnumerateArray().Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.GetProperty("amount").GetString()!)));
    }

    [Fact]
    public async Task An_invalidation_after_a_settlement_takes_back_the_credit_as_settled()
    {
        var api = system.Api;
        var @case = Case.Reviewed(40, [36, 36, 60]);
        await system.PublishAsync([@case.Scored]);
        await SettledOrCreditedAsync(@case.Scored.ContributionId, "contribution_rewarded");
        await DecideAsync(@case, @case.Decided(71, [80, 82, 78]));
        await SettledOrCreditedAsync(@case.Scored.ContributionId, "appeal_settled");

        await system.ActivateAsync("contribution-invalidation", JsonSerializer.Serialize(new { contributionId = @case.Scored.ContributionId, reason = "plagiarised" }));
        var adjusted = await SettledOrCreditedAsync(@case.Scored.ContributionId, "reward_adjusted");

        Assert.Equal("-" + TokenAmount.Format(71 * Token / 10), adjusted.GetProperty("amount").GetString());
        Assert.Equal("0", (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{@case.Contributor}")).GetProperty("balance").GetString());
    }

    [Fact]
    public async Task A_settlement_after_an_invalidation_does_not_credit_the_contributor_again_but_settles_the_validators()
    {
        var api = system.Api;
        var @case = Case.Reviewed(40, [36, 36, 60]);
        await system.PublishAsync([@case.Scored]);
        await SettledOrCreditedAsync(@case.Scored.ContributionId, "contribution_rewarded");
        await system.ActivateAsync("contribution-invalidation", JsonSerializer.Serialize(new { contributionId = @case.Scored.ContributionId, reason = "plagiarised" }));
        var adjusted = await SettledOrCreditedAsync(@case.Scored.ContributionId, "reward_adjusted");
        Assert.Equal("-" + TokenAmount.Format(4 * Token), adjusted.GetProperty("amount").GetString());

        await DecideAsync(@case, @case.Decided(71, [80, 82, 78]));
        var settled = await SettledOrCreditedAsync(@case.Scored.ContributionId, "appeal_settled");

        Assert.Equal("0", settled.GetProperty("contributorDelta").GetString());
        Assert.DoesNotContain(settled.GetProperty("lines").EnumerateArray(), l => l.GetProperty("account").GetString() == @case.Contributor);
        Assert.Equal("0", (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{@case.Contributor}")).GetProperty("balance").GetString());
        Assert.Equal(TokenAmount.Format(Token / 4), (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{@case.Panel[0]}")).GetProperty("balance").GetString());
        Assert.Equal("0", (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{@case.First[0]}")).GetProperty("balance").GetString());
    }

    /// <summary>
    /// Credited 0 (scored 0), then invalidated: the reverser has nothing to take back and records nothing. An appeal decided
    /// afterwards that raises the score to 71 must not pay the contributor what the invalidation denies: the settlement
    /// moves the validators as any settlement does, the contributor's delta is 0, and no claim of it ever appears.
    /// </summary>
    [Fact]
    public async Task A_contribution_credited_0_then_invalidated_is_not_paid_by_an_appeal_that_raises_its_score()
    {
        var api = system.Api;
        var @case = Case.Reviewed(0, [0, 0, 4]);
        await system.PublishAsync([@case.Scored]);
        Assert.Equal("0", (await SettledOrCreditedAsync(@case.Scored.ContributionId, "contribution_rewarded")).GetProperty("amount").GetString());
        var proposal = await system.ActivateAsync("contribution-invalidation",
            JsonSerializer.Serialize(new { contributionId = @case.Scored.ContributionId, reason = "plagiarised" }));
        var activated = await LedgerSql.CountAsync(system.History, $"SELECT seq_id FROM history.mt_events WHERE stream_id = 'governance/proposals/{proposal}'");
        await Eventually.MatchesAsync(InvalidationCheckpoint, n => n >= activated, "the ledger to read the invalidation", Patience);
        Assert.Equal(0, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/credits/{@case.Scored.ContributionId}' AND type = 'reward_adjusted'"));

        // The panel (80, 82, 78) decides 71: worth 7.1 tokens to a contributor whose contribution stood.
        await DecideAsync(@case, @case.Decided(71, [80, 82, 78]));
        var settled = await SettledOrCreditedAsync(@case.Scored.ContributionId, "appeal_settled");

        Assert.Equal(("0", "0"), (settled.GetProperty("contributorDelta").GetString(), settled.GetProperty("credit").GetString()));
        Assert.DoesNotContain(settled.GetProperty("lines").EnumerateArray(), l => l.GetProperty("account").GetString() == @case.Contributor);
        Assert.Equal("0", (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{@case.Contributor}")).GetProperty("balance").GetString());
        // The validators are settled as the appeal rules say: the panel reviewed honestly and is paid the case's pool.
        var panelPay = settled.GetProperty("validators").EnumerateArray().Where(l => @case.Panel.Contains(l.GetProperty("validator").GetString())).ToList();
        Assert.Equal(3, panelPay.Count);
        foreach (var line in panelPay)
            Assert.Equal(line.GetProperty("amount").GetString(),
                (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{line.GetProperty("validator").GetString()}")).GetProperty("balance").GetString());

        // Once an epoch closed over the settlement (the panel's claim covers it), the contributor still has no claim.
        await ClaimCoveringAsync(api, @case.Panel[0], settled.GetProperty("epoch").GetInt64());
        var claim = await api.GetAsync($"/api/claims/{@case.Contributor}");
        Assert.True(claim.StatusCode == HttpStatusCode.NotFound
            || BigInteger.Parse((await claim.Content.ReadFromJsonAsync<ClaimView>())!.Amount).IsZero, await claim.Content.ReadAsStringAsync());
        // And a reversal read again after the settlement still finds nothing to take back.
        Assert.Null(await system.Services(0).GetRequiredService<RewardReverser>().ReverseAsync(
            new Invalidation(@case.Scored.ContributionId, "plagiarised", proposal), default));
    }

    private Task<long> InvalidationCheckpoint() => LedgerSql.CountAsync(system.History,
        "SELECT coalesce(max((data->>'sequence')::bigint), 0) FROM ledger.mt_doc_followercheckpoint WHERE id = 'invalidations-documented'");

    /// <summary>
    /// The appeal as quality-scoring records it: its filing (who asked for the second round, which decides whether the
    /// settlement slashes) and, after its panel's reviews, the decision. Returns the decision's sequence.
    /// </summary>
    internal Task<long> DecideAsync(Case @case, AppealDecided decided, string role = AppealFiled.Contributor) =>
        system.AppendToAsync("scoring/" + @case.Scored.ContributionId,
            new AppealFiled(decided.AppealId, @case.Scored.ContributionId, role == AppealFiled.Audit ? AppealFiled.AuditAppellant : role == AppealFiled.Reviewer ? @case.First[2] : @case.Contributor,
                role, "1", 0, "0x", decided.FirstScore, decided.DecidedAt, role),
            decided);

    internal Task<long> AppealCheckpoint() => LedgerSql.CountAsync(system.History,
        "SELECT coalesce(max((data->>'sequence')::bigint), 0) FROM ledger.mt_doc_followercheckpoint WHERE id = 'appeals'");

    /// <summary>The ledger's event of <paramref name="type"/> in the contribution's credit stream, once it is recorded.</summary>
    internal async Task<JsonElement> SettledOrCreditedAsync(string contributionId, string type)
    {
        var where = $"stream_id = 'ledger/credits/{contributionId}' AND type = '{type}'";
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM history.mt_events WHERE {where}"), n => n == 1, type, Patience);
        return JsonDocument.Parse(await DataAsync(where)).RootElement.Clone();
    }

    internal async Task<string> DataAsync(string where)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT data::text FROM history.mt_events WHERE {where}", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The served claim once the newest closed epoch is at or after <paramref name="epoch"/>.</summary>
    internal static async Task<ClaimView> ClaimCoveringAsync(HttpClient api, string address, long epoch) =>
        (await Eventually.MatchesAsync(async () =>
            {
                var response = await api.GetAsync($"/api/claims/{address}");
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<ClaimView>() : null;
            },
            c => c is not null && c.Epoch >= epoch, $"an epoch at or after {epoch} to close", Patience))!;
}
