using CommunityAI.Formats.Policies;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// Scores forged on the broker with a plain AMQP client and the shared login, as anyone holding a broker login could:
/// the ledger credits only what quality-scoring's history records, and counts each forgery as refused.
/// </summary>
public sealed class ForgedScoreTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_hand_written_score_for_a_contribution_that_never_existed_credits_nothing()
    {
        using var refused = new CounterWatch(CommunityTelemetry.MeterName, HistoryFacts.RefusedCounterName);
        var api = system.Api;
        var attacker = LedgerSystem.RandomAddress();
        var forged = LedgerSystem.Scored(attacker, 100);

        await ForgedMessage.PublishAsync(system.Broker, nameof(ContributionScored), Guid.NewGuid(), forged);
        // A genuine score behind it on the same queue: the ledger is consuming, so a credit of the forgery would show.
        var genuine = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 50);
        await system.PublishAsync([genuine]);
        await Eventually.MatchesAsync(() => CreditsOfAsync(genuine.ContributionId), n => n == 1, "the genuine score credited");

        // Handled either way: refused, or credited.
        await Eventually.MatchesAsync(async () => Refusals(refused, HistoryFactCheck.NotInHistory) + await CreditsOfAsync(forged.ContributionId),
            n => n >= 1, "the forgery handled", Patience);
        Assert.Equal(0, await CreditsOfAsync(forged.ContributionId));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/accounts/{attacker}")).StatusCode);
        Assert.Equal(1, Refusals(refused, HistoryFactCheck.NotInHistory));
    }

    [Fact]
    public async Task A_forged_notice_reusing_a_real_scores_id_with_a_higher_score_is_refused_and_the_recorded_score_is_credited()
    {
        using var refused = new CounterWatch(CommunityTelemetry.MeterName, HistoryFacts.RefusedCounterName);
        var api = system.Api;
        var contributor = LedgerSystem.RandomAddress();
        var recorded = LedgerSystem.Scored(contributor, 40);
        var ids = await system.RecordAsync([recorded]);

        // The forgery reaches the ledger before the genuine notice: the real event's id, the score raised to 100.
        await ForgedMessage.PublishAsync(system.Broker, nameof(ContributionScored), ids[recorded.ContributionId], recorded with { Score = 100 });
        await Eventually.MatchesAsync(async () => Refusals(refused, HistoryFactCheck.BodyDiffers) + await CreditsOfAsync(recorded.ContributionId),
            n => n >= 1, "the forged copy handled", Patience);
        Assert.Equal(0, await CreditsOfAsync(recorded.ContributionId));
        Assert.Equal(1, Refusals(refused, HistoryFactCheck.BodyDiffers));

        // The genuine notice credits the score the history holds, once.
        await system.NotifyAsync([recorded], ids);
        await Eventually.MatchesAsync(() => CreditsOfAsync(recorded.ContributionId), n => n == 1, "the recorded score credited");
        var account = await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}");
        Assert.Equal(TokenAmount.Format(RewardPolicy.Initial.RewardFor("data", 40, 0)), account.GetProperty("balance").GetString());
    }

    private static long Refusals(CounterWatch refused, string reason) =>
        refused.Total(("message_type", nameof(ContributionScored)), ("reason", reason));

    private Task<long> CreditsOfAsync(string contributionId) => LedgerSql.CountAsync(system.History,
        $"SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributionId' = '{contributionId}'");
}
