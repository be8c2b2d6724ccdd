using CommunityAI.Formats.Policies;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Testing;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// Scores forged on the broker with a plain AMQP client and the shared login, as anyone holding a broker login could:
/// the ledger credits only what quality-scoring's history records, so a forged notice, however well made, credits nothing.
/// The ledger listens to no score notice at all; these tests keep the attack on record so that listening again would show.
/// </summary>
public sealed class ForgedScoreTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    [Fact]
    public async Task A_hand_written_score_for_a_contribution_that_never_existed_credits_nothing()
    {
        var api = system.Api;
        var attacker = LedgerSystem.RandomAddress();
        var forged = LedgerSystem.Scored(attacker, 100);

        await ForgedMessage.PublishAsync(system.Broker, nameof(ContributionScored), Guid.NewGuid(), forged, mustReachAQueue: false);
        // A genuine score recorded after it: the ledger is crediting, so a credit of the forgery would have shown by then.
        var genuine = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 50);
        await system.PublishAsync([genuine]);
        await Eventually.MatchesAsync(() => CreditsOfAsync(genuine.ContributionId), n => n == 1, "the genuine score credited");

        Assert.Equal(0, await CreditsOfAsync(forged.ContributionId));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/accounts/{attacker}")).StatusCode);
    }

    [Fact]
    public async Task A_forged_notice_reusing_a_real_scores_id_with_a_higher_score_credits_the_recorded_score_once()
    {
        var api = system.Api;
        var contributor = LedgerSystem.RandomAddress();
        var recorded = LedgerSystem.Scored(contributor, 40);
        var ids = await system.RecordAsync([recorded]);

        // The real event's id, the score raised to 100, sent twice for good measure.
        for (var i = 0; i < 2; i++)
            await ForgedMessage.PublishAsync(system.Broker, nameof(ContributionScored), ids[recorded.ContributionId], recorded with { Score = 100 },
                mustReachAQueue: false);
        await Eventually.MatchesAsync(() => CreditsOfAsync(recorded.ContributionId), n => n == 1, "the recorded score credited");
        await system.NotifyAsync([recorded], ids);

        var account = await Eventually.MatchesAsync(() => api.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}"),
            a => a.GetProperty("balance").GetString() is not null, "the contributor's account");
        Assert.Equal(TokenAmount.Format(RewardPolicy.Initial.RewardFor("data", 40, 0)), account.GetProperty("balance").GetString());
        Assert.Equal(1, await CreditsOfAsync(recorded.ContributionId));
    }

    private Task<long> CreditsOfAsync(string contributionId) => LedgerSql.CountAsync(system.History,
        $"SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributionId' = '{contributionId}'");
}
