using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommunityAI.RewardLedger.IntegrationTests.AppealSettlementTests;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// New data and feedback paid by their measured value, through the real path: valuations recorded in the community
/// model's round streams as its service records them, followed from the history by the real ledger on the real
/// PostgreSQL, closed into claim trees; invalidations recorded as governance records them. The class's genesis policy
/// pays a valued batch's shares a tenth of a token per basis point of its gain.
/// </summary>
public sealed class DataValueRewardTests(GainLedgerSystem system) : IClassFixture<GainLedgerSystem>
{
    private static readonly BigInteger Token = TokenAmount.OneToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_batch_that_gained_pays_its_shares_by_examples_exactly_and_enters_the_claim_tree_and_a_batch_that_lost_pays_nothing()
    {
        var api = system.Api;
        // 70 bp at a tenth of a token: a pool of 7 tokens over 1 + 1 + 1 examples. 7 / 3 leaves one base unit, for the
        // first share in contribution-id order.
        var shares = new[] { DataValues.NewShare(1), DataValues.NewShare(1), DataValues.NewShare(1) }.OrderBy(s => s.ContributionId, StringComparer.Ordinal).ToList();
        var lost = DataValues.NewShare(4);
        await DataValues.RecordAsync(system, DataValues.Valued(70, shares, feedbackGain: -30, feedbackShares: [lost]));

        var credits = new List<JsonElement>();
        foreach (var share in shares)
            credits.Add(await GainEvaluations.EventAsync(system, DataValues.StreamOf(share.ContributionId), "data_value_rewarded", Patience));
        var third = 7 * Token / 3;
        Assert.Equal([TokenAmount.Format(third + 1), TokenAmount.Format(third), TokenAmount.Format(third)], credits.Select(c => c.GetProperty("amount").GetString()));
        Assert.Equal(7 * Token, credits.Aggregate(BigInteger.Zero, (sum, c) => sum + BigInteger.Parse(c.GetProperty("amount").GetString()!)));
        Assert.All(credits, c => Assert.Equal(("data", 70, 3, 1, "reward-1"),
            (c.GetProperty("batch").GetString()!, c.GetProperty("gainBasisPoints").GetInt32(), c.GetProperty("batchExamples").GetInt32(),
             c.GetProperty("examples").GetInt32(), c.GetProperty("policyVersion").GetString()!)));

        // The account and the claim published for the credit's epoch hold it, exactly.
        var first = shares[0];
        var account = await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{first.Contributor}");
        Assert.Equal(TokenAmount.Format(third + 1), account.GetProperty("balance").GetString());
        Assert.Contains(account.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetString() == DataValueCrediter.EntryId(first.ContributionId));
        var claim = await ClaimCoveringAsync(api, first.Contributor, credits[0].GetProperty("epoch").GetInt64());
        Assert.Equal(third + 1, BigInteger.Parse(claim.Amount));

        // The feedback batch made the model worse: its share earned nothing and has no record.
        Assert.Equal(0, await GainEvaluations.CountInStreamAsync(system, DataValues.StreamOf(lost.ContributionId)));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/accounts/{lost.Contributor}")).StatusCode);
    }

    [Fact]
    public async Task A_batch_of_more_contributors_than_one_transaction_locks_is_paid_whole_and_exactly()
    {
        _ = system.Api;
        // Two and a quarter transactions' worth of contributors, each with 1–3 texts: 9 bp, a pool of 0.9 tokens.
        var shares = Enumerable.Range(0, DataValueCrediter.SharesPerTransaction * 9 / 4).Select(i => DataValues.NewShare(1 + i % 3))
            .OrderBy(s => s.ContributionId, StringComparer.Ordinal).ToList();
        await DataValues.RecordAsync(system, DataValues.Valued(9, shares));

        var streams = string.Join(",", shares.Select(s => $"'{DataValues.StreamOf(s.ContributionId)}'"));
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM history.mt_events WHERE stream_id IN ({streams})"),
            n => n == shares.Count, "every share credited", Patience);
        await using (var connection = new Npgsql.NpgsqlConnection(system.History))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand($"SELECT sum((data->>'amount')::numeric)::text FROM history.mt_events WHERE stream_id IN ({streams})", connection);
            Assert.Equal(TokenAmount.Format(9 * GainLedgerSystem.DataRewardPerBasisPoint), (string)(await command.ExecuteScalarAsync())!);
        }
        // Each amount is the whole batch's split, whichever transaction recorded it.
        var expected = new RewardPolicy(1, new Dictionary<string, BigInteger>(), 0, 1, 0, DataGainRewardPerBasisPoint: GainLedgerSystem.DataRewardPerBasisPoint)
            .DataValueRewardsFor(9, shares.Select(s => s.Examples).ToList());
        var last = await GainEvaluations.EventAsync(system, DataValues.StreamOf(shares[^1].ContributionId), "data_value_rewarded", Patience);
        Assert.Equal(TokenAmount.Format(expected[^1]), last.GetProperty("amount").GetString());
    }

    [Fact]
    public async Task A_contribution_is_paid_for_its_value_once_a_later_batch_still_splits_over_every_share_and_a_forged_valuation_pays_nothing()
    {
        _ = system.Api;
        var early = DataValues.NewShare(2);
        await DataValues.RecordAsync(system, DataValues.Valued(10, [early]));
        var paid = await GainEvaluations.EventAsync(system, DataValues.StreamOf(early.ContributionId), "data_value_rewarded", Patience);
        Assert.Equal(TokenAmount.Format(Token), paid.GetProperty("amount").GetString());

        // A valuation in another service's stream is no valuation: nothing is paid for it.
        var forgedShare = DataValues.NewShare(5);
        await system.AppendToAsync("scoring/" + forgedShare.ContributionId, DataValues.Valued(9000, [forgedShare]));
        // A later round names the early contribution again beside a new one of 2 examples: a pool of 4 tokens over 2 + 2.
        var late = DataValues.NewShare(2);
        await DataValues.RecordAsync(system, DataValues.Valued(40, [early, late]));
        var latePaid = await GainEvaluations.EventAsync(system, DataValues.StreamOf(late.ContributionId), "data_value_rewarded", Patience);

        // The new one gets its half of the pool; the early one is not paid again.
        Assert.Equal(TokenAmount.Format(2 * Token), latePaid.GetProperty("amount").GetString());
        Assert.Equal(1, await GainEvaluations.CountInStreamAsync(system, DataValues.StreamOf(early.ContributionId)));
        Assert.Equal(TokenAmount.Format(Token), (await system.Api.GetFromJsonAsync<JsonElement>($"/api/accounts/{early.Contributor}")).GetProperty("balance").GetString());
        Assert.Equal(0, await GainEvaluations.CountInStreamAsync(system, DataValues.StreamOf(forgedShare.ContributionId)));
    }

    [Fact]
    public async Task A_data_value_credited_then_invalidated_is_taken_back_and_one_valued_after_its_invalidation_is_credited_and_taken_back_at_once()
    {
        var api = system.Api;
        // Two data contributions scored 80 over the bus: 8 tokens each for their quality.
        var before = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 80);
        var after = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 80);
        await system.PublishAsync([before, after]);
        var beforeCredit = await GainEvaluations.EventAsync(system, $"ledger/credits/{before.ContributionId}", "contribution_rewarded", Patience);
        var afterCredit = await GainEvaluations.EventAsync(system, $"ledger/credits/{after.ContributionId}", "contribution_rewarded", Patience);
        var beforeShare = new BatchShare(before.ContributionId, beforeCredit.GetProperty("contributor").GetString()!, 3);
        var afterShare = new BatchShare(after.ContributionId, afterCredit.GetProperty("contributor").GetString()!, 1);

        // The first is valued (30 bp over 3 examples: 3 tokens), then invalidated.
        await DataValues.RecordAsync(system, DataValues.Valued(30, [beforeShare]));
        await GainEvaluations.EventAsync(system, DataValues.StreamOf(before.ContributionId), "data_value_rewarded", Patience);
        var proposal = await system.ActivateAsync("contribution-invalidation",
            JsonSerializer.Serialize(new { contributionId = before.ContributionId, reason = "copied from a paid corpus" }));
        var reversed = await GainEvaluations.EventAsync(system, DataValues.StreamOf(before.ContributionId), "data_value_reversed", Patience);
        await GainEvaluations.EventAsync(system, $"ledger/credits/{before.ContributionId}", "reward_adjusted", Patience);
        Assert.Equal(("-" + TokenAmount.Format(3 * Token), proposal, beforeShare.Contributor),
            (reversed.GetProperty("amount").GetString()!, reversed.GetProperty("proposalId").GetString()!, reversed.GetProperty("account").GetString()!));
        Assert.Equal("0", (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{beforeShare.Contributor}")).GetProperty("balance").GetString());
        Assert.Single((await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{beforeShare.Contributor}")).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("id").GetString() == JournalEntry.ReversalId(DataValueCrediter.EntryId(before.ContributionId)));

        // The second is invalidated first and valued afterwards (10 bp over 1 example: 1 token): its credit carries its reversal.
        await system.ActivateAsync("contribution-invalidation", JsonSerializer.Serialize(new { contributionId = after.ContributionId, reason = "spam" }));
        await GainEvaluations.EventAsync(system, $"ledger/credits/{after.ContributionId}", "reward_adjusted", Patience);
        await DataValues.RecordAsync(system, DataValues.Valued(10, [afterShare]));
        var lateReversal = await GainEvaluations.EventAsync(system, DataValues.StreamOf(after.ContributionId), "data_value_reversed", Patience);
        var lateCredit = await GainEvaluations.EventAsync(system, DataValues.StreamOf(after.ContributionId), "data_value_rewarded", Patience);
        Assert.Equal(("-" + TokenAmount.Format(Token), lateCredit.GetProperty("epoch").GetInt64()),
            (lateReversal.GetProperty("amount").GetString()!, lateReversal.GetProperty("epoch").GetInt64()));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(DISTINCT xmin::text) FROM history.mt_events WHERE stream_id = '{DataValues.StreamOf(after.ContributionId)}'"));
        Assert.Equal("0", (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{afterShare.Contributor}")).GetProperty("balance").GetString());
    }
}

/// <summary>A class of its own: it stops the first replica, which the other classes' tests keep using.</summary>
public sealed class DataValueRaceTests(GainLedgerSystem system) : IClassFixture<GainLedgerSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Crediting_and_reversing_raced_on_two_replicas_and_read_again_after_a_checkpoint_reset_pay_and_take_back_once()
    {
        _ = system.Api;
        var second = system.StartReplica();
        var scored = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 80);
        await system.PublishAsync([scored]);
        var credit = await GainEvaluations.EventAsync(system, $"ledger/credits/{scored.ContributionId}", "contribution_rewarded", Patience);
        var invalidatedShare = new BatchShare(scored.ContributionId, credit.GetProperty("contributor").GetString()!, 2);
        var keptShare = DataValues.NewShare(3);
        var valued = DataValues.Valued(50, [invalidatedShare, keptShare]); // 5 tokens: 2 and 3

        // The valuation and the invalidation recorded at once; every crediter and reverser of both replicas handed both, thrice.
        var recording = DataValues.RecordAsync(system, valued);
        var proposal = await system.ActivateAsync("contribution-invalidation",
            JsonSerializer.Serialize(new { contributionId = scored.ContributionId, reason = "copied" }));
        await recording;
        var invalidation = new Invalidation(scored.ContributionId, "copied", proposal);
        var calls = new[] { 0, 1 }.SelectMany(i => new Func<Task>[]
        {
            () => system.Services(i).GetRequiredService<DataValueCrediter>().CreditAsync(valued, default),
            () => system.Services(i).GetRequiredService<RewardReverser>().ReverseDataValueAsync(invalidation, default),
        });
        await Task.WhenAll(Enumerable.Repeat(calls, 3).SelectMany(c => c).Select(call => Task.Run(call)));
        await GainEvaluations.EventAsync(system, DataValues.StreamOf(scored.ContributionId), "data_value_reversed", Patience);
        await GainEvaluations.EventAsync(system, DataValues.StreamOf(keptShare.ContributionId), "data_value_rewarded", Patience);

        // A restart that lost both followers' checkpoints: the second replica leads and reads every valuation and activation again.
        var last = await LedgerSql.CountAsync(system.History, "SELECT max(seq_id) FROM history.mt_events");
        await GainEvaluations.ReadAgainAfterLosingAsync(system, Patience,
            (DataValueFollower.CheckpointKey, await GainEvaluations.LastOfTypeAsync(system, typeof(DataValued))),
            (InvalidationFollower.CheckpointKey, last));
        Assert.Empty(await system.Services(1).GetRequiredService<DataValueCrediter>().CreditAsync(valued, default));
        Assert.Null(await system.Services(1).GetRequiredService<RewardReverser>().ReverseDataValueAsync(invalidation, default));

        Assert.Equal(2, await GainEvaluations.CountInStreamAsync(system, DataValues.StreamOf(scored.ContributionId)));
        Assert.Equal(1, await GainEvaluations.CountInStreamAsync(system, DataValues.StreamOf(keptShare.ContributionId)));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM ledger.mt_doc_journalentry WHERE id = '{JournalEntry.ReversalId(DataValueCrediter.EntryId(scored.ContributionId))}'"));
        Assert.Equal("0", (await second.GetFromJsonAsync<JsonElement>($"/api/accounts/{invalidatedShare.Contributor}")).GetProperty("balance").GetString());
        Assert.Equal(TokenAmount.Format(3 * TokenAmount.OneToken),
            (await second.GetFromJsonAsync<JsonElement>($"/api/accounts/{keptShare.Contributor}")).GetProperty("balance").GetString());
    }
}
