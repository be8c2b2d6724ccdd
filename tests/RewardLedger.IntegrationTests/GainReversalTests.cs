using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static CommunityAI.RewardLedger.IntegrationTests.AppealSettlementTests;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// A passed contribution-invalidation takes back a contributed model's gain credit too, through the real path: evaluations
/// and activations recorded in the history as their services record them, followed by the real ledger on the real
/// PostgreSQL (scores over RabbitMQ), closed into claim trees. Whichever the ledger reads first, no gain of an invalidated
/// contribution stays paid. The class's genesis policy pays a hundredth of a token per basis point.
/// </summary>
public sealed class GainReversalTests(GainLedgerSystem system) : IClassFixture<GainLedgerSystem>
{
    private static readonly BigInteger Token = TokenAmount.OneToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_gain_credited_then_invalidated_is_taken_back_exactly_beside_the_quality_credit()
    {
        var api = system.Api;
        var (contributor, scored, _) = await GainEvaluations.ScoredModelAsync(system, Patience); // 16 tokens for its quality
        var gain = await GainEvaluations.ChampionAsync(system, scored.ContributionId, contributor, Patience); // 7.5 more
        var claimed = await ClaimCoveringAsync(api, contributor, gain.GetProperty("epoch").GetInt64());
        Assert.Equal(16 * Token + 15 * Token / 2, BigInteger.Parse(claimed.Amount));

        var proposal = await system.ActivateAsync("contribution-invalidation",
            JsonSerializer.Serialize(new { contributionId = scored.ContributionId, reason = "a copy of a published model" }));
        var reversed = await GainEvaluations.EventAsync(system, $"ledger/gains/{scored.ContributionId}", "model_gain_reversed", Patience);
        await GainEvaluations.EventAsync(system, $"ledger/credits/{scored.ContributionId}", "reward_adjusted", Patience);

        Assert.Equal("-" + TokenAmount.Format(15 * Token / 2), reversed.GetProperty("amount").GetString());
        Assert.Equal((contributor, proposal, "a copy of a published model"),
            (reversed.GetProperty("account").GetString()!, reversed.GetProperty("proposalId").GetString()!, reversed.GetProperty("reason").GetString()!));
        var epoch = reversed.GetProperty("epoch").GetInt64();
        Assert.True(epoch > claimed.Epoch, "the debit lands in an epoch still open, never in a published one");
        // Both credits are taken back: the balance is 0, each reversal mirrors its credit in the journal and balances.
        var account = await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}");
        Assert.Equal("0", account.GetProperty("balance").GetString());
        var entry = Assert.Single(account.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("id").GetString() == JournalEntry.ReversalId(GainCrediter.EntryId(scored.ContributionId)));
        Assert.Equal("-" + TokenAmount.Format(15 * Token / 2), entry.GetProperty("amount").GetString());
        Assert.Equal(BigInteger.Zero, entry.GetProperty("lines").EnumerateArray().Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.GetProperty("amount").GetString()!)));
        // The claim never goes down: what was published stays, and later earnings pay the debt first.
        var after = await ClaimCoveringAsync(api, contributor, epoch);
        Assert.Equal(16 * Token + 15 * Token / 2, BigInteger.Parse(after.Amount));
    }

    [Fact]
    public async Task A_gain_evaluated_after_its_contribution_was_invalidated_is_credited_and_taken_back_at_once_and_never_reaches_the_claim()
    {
        var api = system.Api;
        var (contributor, scored, credit) = await GainEvaluations.ScoredModelAsync(system, Patience);
        // Its quality credit published (so the claim has a leaf to hold), then invalidated while its model waited for held-out examples newer than it; the evaluation comes afterwards.
        Assert.Equal(16 * Token, BigInteger.Parse((await ClaimCoveringAsync(api, contributor, credit.GetProperty("epoch").GetInt64())).Amount));
        var proposal = await system.ActivateAsync("contribution-invalidation",
            JsonSerializer.Serialize(new { contributionId = scored.ContributionId.ToUpperInvariant().Replace("0X", "0x"), reason = "stolen weights" }));
        await GainEvaluations.EventAsync(system, $"ledger/credits/{scored.ContributionId}", "reward_adjusted", Patience);
        await GainEvaluations.RecordAsync(system, GainEvaluations.Evaluated(scored.ContributionId, contributor, gain: 600, onlyModel: 9, onlyChampion: 0, became: true));

        var reversed = await GainEvaluations.EventAsync(system, $"ledger/gains/{scored.ContributionId}", "model_gain_reversed", Patience);
        var gain = await GainEvaluations.EventAsync(system, $"ledger/gains/{scored.ContributionId}", "model_gain_rewarded", Patience);

        // The credit keeps its fact (every champion change has one) and its reversal lands in the same epoch, in the same transaction.
        Assert.Equal(TokenAmount.Format(6 * Token), gain.GetProperty("amount").GetString());
        Assert.Equal(("-" + TokenAmount.Format(6 * Token), proposal, gain.GetProperty("epoch").GetInt64()),
            (reversed.GetProperty("amount").GetString()!, reversed.GetProperty("proposalId").GetString()!, reversed.GetProperty("epoch").GetInt64()));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(DISTINCT xmin::text) FROM history.mt_events WHERE stream_id = 'ledger/gains/{scored.ContributionId}'"));
        Assert.Equal("0", (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}")).GetProperty("balance").GetString());
        // The claim of the gain's epoch holds the quality credit as published (a claim never goes down), not the gain.
        var claim = await ClaimCoveringAsync(api, contributor, gain.GetProperty("epoch").GetInt64());
        Assert.Equal(16 * Token, BigInteger.Parse(claim.Amount));
    }
}

/// <summary>A class of its own: it stops the first replica, which the other classes' tests keep using.</summary>
public sealed class GainReversalRaceTests(GainLedgerSystem system) : IClassFixture<GainLedgerSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Crediting_and_reversing_raced_on_two_replicas_and_read_again_after_a_checkpoint_reset_take_the_gain_back_once()
    {
        var (second, contributor, evaluated, stream) = GainEvaluations.RacingReplicas(system);

        // The evaluation and the invalidation recorded at once; every crediter and reverser of both replicas handed both, thrice.
        var recording = GainEvaluations.RecordAsync(system, evaluated);
        var proposal = await system.ActivateAsync("contribution-invalidation",
            JsonSerializer.Serialize(new { contributionId = evaluated.ContributionId, reason = "copied" }));
        await recording;
        var invalidation = new Invalidation(evaluated.ContributionId, "copied", proposal);
        var calls = new[] { 0, 1 }.SelectMany(i => new Func<Task>[]
        {
            () => system.Services(i).GetRequiredService<GainCrediter>().CreditAsync(evaluated, stream, default),
            () => system.Services(i).GetRequiredService<RewardReverser>().ReverseGainAsync(invalidation, default),
        });
        await Task.WhenAll(Enumerable.Repeat(calls, 3).SelectMany(c => c).Select(call => Task.Run(call)));
        await GainEvaluations.EventAsync(system, $"ledger/gains/{evaluated.ContributionId}", "model_gain_reversed", Patience);

        // A restart that lost both followers' checkpoints: the second replica leads and reads every evaluation and activation again.
        var last = await LedgerSql.CountAsync(system.History, "SELECT max(seq_id) FROM history.mt_events");
        await GainEvaluations.ReadAgainAfterLosingAsync(system, Patience,
            (GainFollower.CheckpointKey, await GainEvaluations.LastOfTypeAsync(system, typeof(ModelContributionEvaluated))),
            (InvalidationFollower.CheckpointKey, last));
        Assert.Null(await system.Services(1).GetRequiredService<RewardReverser>().ReverseGainAsync(invalidation, default));

        Assert.Equal(1, await GainEvaluations.CountInGainStreamAsync(system, "model_gain_rewarded", evaluated.ContributionId));
        Assert.Equal(1, await GainEvaluations.CountInGainStreamAsync(system, "model_gain_reversed", evaluated.ContributionId));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM ledger.mt_doc_journalentry WHERE id = '{JournalEntry.ReversalId(GainCrediter.EntryId(evaluated.ContributionId))}'"));
        Assert.Equal("0", (await second.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}")).GetProperty("balance").GetString());
    }
}
