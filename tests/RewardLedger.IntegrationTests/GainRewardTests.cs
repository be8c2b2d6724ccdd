using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommunityAI.RewardLedger.IntegrationTests.AppealSettlementTests;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// Contributed models paid by their measured gain, through the real path: evaluations recorded in the community model's
/// streams as its service records them, followed from the history by the real ledger on the real PostgreSQL (scores
/// arriving over RabbitMQ too), closed into claim trees. The class's genesis policy pays a hundredth of a token per basis point.
/// </summary>
public sealed class GainRewardTests(GainLedgerSystem system) : IClassFixture<GainLedgerSystem>
{
    private static readonly BigInteger Token = TokenAmount.OneToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_champion_changing_evaluation_credits_its_gain_times_the_policy_rate_beside_its_quality_credit_and_enters_the_claim_tree()
    {
        var api = system.Api;
        // The model contribution's quality score pays as before: 20 tokens at 80, 16 tokens.
        var (contributor, scored, _) = await GainEvaluations.ScoredModelAsync(system, Patience);

        // It beat the champion by 750 bp: 7.5 tokens more.
        var gain = await GainEvaluations.ChampionAsync(system, scored.ContributionId, contributor, Patience);

        Assert.Equal(TokenAmount.Format(750 * GainLedgerSystem.RewardPerBasisPoint), gain.GetProperty("amount").GetString());
        Assert.Equal(TokenAmount.Format(15 * Token / 2), gain.GetProperty("amount").GetString());
        Assert.Equal((750, "reward-1", contributor), (gain.GetProperty("gainBasisPoints").GetInt32(), gain.GetProperty("policyVersion").GetString()!, gain.GetProperty("contributor").GetString()!));
        var account = await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}");
        Assert.Equal(TokenAmount.Format(16 * Token + 15 * Token / 2), account.GetProperty("balance").GetString());
        Assert.Contains(account.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetString() == GainCrediter.EntryId(scored.ContributionId));

        // The claim published for the gain's epoch holds both credits, exactly.
        var claim = await ClaimCoveringAsync(api, contributor, gain.GetProperty("epoch").GetInt64());
        Assert.Equal(16 * Token + 15 * Token / 2, BigInteger.Parse(claim.Amount));
    }

    [Fact]
    public async Task A_gain_credit_is_recorded_in_the_trace_its_evaluation_was_recorded_in()
    {
        // The follower reads evaluations in batches, outside any request; each credit continues its evaluation's trace, so
        // its send does too.
        var (contributor, scored, _) = await GainEvaluations.ScoredModelAsync(system, Patience);
        var trace = ActivityTraceId.CreateRandom().ToHexString();
        var evaluated = GainEvaluations.Evaluated(scored.ContributionId, contributor, gain: 750, onlyModel: 9, onlyChampion: 0, became: true);
        await system.AppendInTraceAsync("model/contributions/" + evaluated.ContributionId, $"00-{trace}-{ActivitySpanId.CreateRandom().ToHexString()}-01", evaluated);

        await GainEvaluations.EventAsync(system, $"ledger/gains/{scored.ContributionId}", "model_gain_rewarded", Patience);
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT headers->>'traceparent' FROM history.mt_events WHERE stream_id = 'ledger/gains/{scored.ContributionId}' AND type = 'model_gain_rewarded'", connection);
        Assert.Matches($"^00-{trace}-[0-9a-f]{{16}}-01$", (string?)await command.ExecuteScalarAsync() ?? "no trace context");
    }

    [Fact]
    public async Task A_model_that_did_not_become_champion_a_refused_one_and_an_evaluation_outside_the_models_streams_credit_nothing()
    {
        _ = system.Api;
        var contributor = Address.Parse(LedgerSystem.RandomAddress());
        // More right than the champion, but 3 against 2 is no real gain: not champion, nothing earned.
        var lucky = GainEvaluations.Evaluated(GainEvaluations.NewId(), contributor, gain: 100, onlyModel: 3, onlyChampion: 2, became: false);
        var refused = GainEvaluations.Evaluated(GainEvaluations.NewId(), contributor, gain: 0, onlyModel: 0, onlyChampion: 0, became: false) with { Refusal = "wrong input shape" };
        // Claims to be a champion, but recorded by another service's stream: not an evaluation the ledger pays.
        var forged = GainEvaluations.Evaluated(GainEvaluations.NewId(), contributor, gain: 9000, onlyModel: 90, onlyChampion: 0, became: true);
        await GainEvaluations.RecordAsync(system, lucky);
        await GainEvaluations.RecordAsync(system, refused);
        await system.AppendAsync("scoring/" + forged.ContributionId, forged);
        // A later honest champion of another contributor: once it is credited, the follower has read past the three.
        var honest = GainEvaluations.Evaluated(GainEvaluations.NewId(), Address.Parse(LedgerSystem.RandomAddress()), gain: 40, onlyModel: 8, onlyChampion: 0, became: true);
        await GainEvaluations.RecordAsync(system, honest);
        await GainEvaluations.EventAsync(system, $"ledger/gains/{honest.ContributionId}", "model_gain_rewarded", Patience);

        Assert.Equal(0, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM history.mt_events WHERE type = 'model_gain_rewarded' AND data->>'contributor' = '{contributor}'"));
        Assert.Equal(HttpStatusCode.NotFound, (await system.Api.GetAsync($"/api/accounts/{contributor}")).StatusCode);
    }

}

/// <summary>A class of its own: it stops the first replica, which the other classes' tests keep using.</summary>
public sealed class GainRedeliveryTests(GainLedgerSystem system) : IClassFixture<GainLedgerSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_evaluation_read_again_and_two_replicas_racing_credit_the_gain_once()
    {
        var (second, contributor, evaluated, stream) = GainEvaluations.RacingReplicas(system);

        // The leader's follower credits it while both replicas' crediters are handed the same evaluation three times each.
        var sequence = await GainEvaluations.RecordAsync(system, evaluated);
        var crediters = new[] { 0, 1 }.Select(i => system.Services(i).GetRequiredService<GainCrediter>()).ToList();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => crediters[i % 2].CreditAsync(evaluated, stream, default))));
        await GainEvaluations.EventAsync(system, $"ledger/gains/{evaluated.ContributionId}", "model_gain_rewarded", Patience);
        Assert.True(results.Count(r => r is not null) <= 1, "at most one caller records the credit");

        // A restart that lost the follower's checkpoint: the second replica leads and reads every evaluation again.
        await GainEvaluations.ReadAgainAfterLosingAsync(system, Patience, (GainFollower.CheckpointKey, sequence));
        Assert.Null(await crediters[1].CreditAsync(evaluated, stream, default));

        Assert.Equal(1, await GainEvaluations.CountInGainStreamAsync(system, "model_gain_rewarded", evaluated.ContributionId));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM ledger.mt_doc_journalentry WHERE id = '{GainCrediter.EntryId(evaluated.ContributionId)}'"));
        Assert.Equal(TokenAmount.Format(333 * GainLedgerSystem.RewardPerBasisPoint),
            (await second.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}")).GetProperty("balance").GetString());
    }
}

/// <summary>Genesis policy (no gain pay) and a governance vote that turns it on.</summary>
public sealed class UnpaidGainTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Under_the_genesis_policy_a_champion_change_is_recorded_and_credits_nothing_and_a_passed_policy_carries_the_rate()
    {
        var api = system.Api;
        var contributor = Address.Parse(LedgerSystem.RandomAddress());
        await GainEvaluations.RecordAsync(system, GainEvaluations.Evaluated(GainEvaluations.NewId(), contributor, gain: 900, onlyModel: 20, onlyChampion: 1, became: true));
        var gain = await GainEvaluations.EventAsync(system, "ledger/gains/", "model_gain_rewarded", Patience, prefix: true);

        Assert.Equal(("0", "reward-1"), (gain.GetProperty("amount").GetString()!, gain.GetProperty("policyVersion").GetString()!));
        Assert.Equal("0", (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}")).GetProperty("balance").GetString());

        // Governance turns it on: the ledger records the member as the proposal passed it, from the next epoch on.
        var rate = TokenAmount.OneToken / 1000;
        await system.ActivateAsync("reward-policy", $$"""{"version":2,"basePerKind":{"model":"1"},"capPerAddressPerEpoch":"1","modelGainRewardPerBasisPoint":"{{rate}}"}""");
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History,
                $"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/policies' AND data->>'modelGainRewardPerBasisPoint' = '{rate}'"),
            n => n == 1, "the passed policy on record", Patience);
        var current = await api.GetFromJsonAsync<JsonElement>("/api/policies");
        Assert.Contains(current.EnumerateArray(), p => p.GetProperty("modelGainRewardPerBasisPoint").GetString() == "0");
    }
}
