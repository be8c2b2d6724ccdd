using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static Contributions.IntegrationTests.ContributionsHistory;

namespace Contributions.IntegrationTests;

/// <summary>
/// The view follows the history: scores, rewards and anchors recorded by the services that own them reach
/// <c>GET /api/contributions/{id}</c>, with the log index of the contribution's event; bus messages do not.
/// </summary>
public sealed class ViewProjectionTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private async Task<JsonElement> ViewAsync(string id) =>
        await service.Client.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}");

    private static bool HasLogIndex(JsonElement view) => view.GetProperty("logIndex").ValueKind == JsonValueKind.Number;

    private async Task<string> SubmitAsync(string text)
    {
        var (id, body) = Signed.Contribution(text: text);
        using var response = await service.Client.PostAsJsonAsync("/api/contributions", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return id;
    }

    [Fact]
    public async Task Score_reward_log_index_and_anchor_come_from_the_history_and_the_status_never_moves_back()
    {
        var covered = await SubmitAsync("covered");
        var later = await SubmitAsync("later");
        // Readable at once, before the projector reached the event.
        Assert.Equal("submitted", (await ViewAsync(covered)).GetProperty("status").GetString());

        var coveredView = await Eventually.MatchesAsync(() => ViewAsync(covered), HasLogIndex, "the log index");
        var coveredIndex = await service.LogIndexAsync("contributions/" + covered);
        Assert.Equal(coveredIndex, coveredView.GetProperty("logIndex").GetInt64());
        Assert.Equal(await service.LogIndexAsync("contributions/" + later),
            (await Eventually.MatchesAsync(() => ViewAsync(later), HasLogIndex, "the log index")).GetProperty("logIndex").GetInt64());

        // A head covering the first contribution only; its score is final after the anchor.
        await service.AppendAsync(("chain/anchors", Anchored(coveredIndex + 1)));
        await Eventually.MatchesAsync(() => ViewAsync(covered), v => v.GetProperty("status").GetString() == "anchored", "anchored");
        await service.AppendAsync(("scoring/" + covered, Scored(covered, 80)), ("scoring/" + later, Scored(later, 60)),
            ("ledger/credits/" + later, Rewarded(later, "7000")));

        var laterView = await Eventually.MatchesAsync(() => ViewAsync(later), v => v.GetProperty("status").GetString() == "rewarded", "rewarded");
        Assert.Equal(60, laterView.GetProperty("score").GetInt32());
        Assert.Equal("7000", laterView.GetProperty("reward").GetString());
        Assert.Equal(3, laterView.GetProperty("epoch").GetInt64());
        var anchoredView = await ViewAsync(covered);
        Assert.Equal(80, anchoredView.GetProperty("score").GetInt32());
        Assert.Equal("anchored", anchoredView.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_forged_score_on_the_bus_or_in_a_stream_its_service_does_not_own_changes_nothing()
    {
        var target = await SubmitAsync("target of forgeries");
        await Eventually.MatchesAsync(() => ViewAsync(target), HasLogIndex, "the log index");

        // Anyone with a broker login can publish this; the ledger's streams are not where scores are recorded.
        await service.Host.Services.GetRequiredService<IBus>().Publish(Scored(target, 100));
        await service.Host.Services.GetRequiredService<IBus>().Publish(Anchored(1_000_000));
        await service.AppendAsync(("ledger/forged/" + target, Scored(target, 99)), ("contributions/forged-anchor", Anchored(1_000_000)));

        // A contribution submitted afterwards has its index once the projector passed the forgeries.
        var marker = await SubmitAsync("after the forgeries");
        await Eventually.MatchesAsync(() => ViewAsync(marker), HasLogIndex, "the projector to pass the forgeries");
        await Task.Delay(500);
        var view = await ViewAsync(target);
        Assert.Equal("submitted", view.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("score").ValueKind);
    }

    [Fact]
    public async Task An_invalidated_contribution_shows_the_proposal_the_reason_and_its_reward_reversal_and_forgeries_elsewhere_change_nothing()
    {
        var target = await SubmitAsync("invalidated later");
        await Eventually.MatchesAsync(() => ViewAsync(target), HasLogIndex, "the log index");
        await service.AppendAsync(("scoring/" + target, Scored(target, 70)), ("ledger/credits/" + target, Rewarded(target, "7000")));
        var proposal = "0x" + new string('b', 64);
        var payload = JsonSerializer.Serialize(new { contributionId = target.ToUpperInvariant().Replace("0X", "0x"), reason = "harmful content" });
        // Forgeries first: an activation outside governance's streams and a reversal outside the ledger's change nothing.
        await service.AppendAsync(
            ("contributions/forged-activation", new PolicyActivated("0x" + new string('f', 64), "contribution-invalidation", payload, "0x00", DateTimeOffset.UtcNow)),
            ("scoring/forged-reversal/" + target, new RewardAdjusted(target, Contributor, "-1", 9, "forged", "0x" + new string('f', 64), DateTimeOffset.UtcNow)));
        var marker = await SubmitAsync("after the forged invalidation");
        await Eventually.MatchesAsync(() => ViewAsync(marker), HasLogIndex, "the projector to pass the forgeries");
        Assert.Equal(JsonValueKind.Null, (await ViewAsync(target)).GetProperty("invalidation").ValueKind);

        await service.AppendAsync(("governance/proposals/" + proposal,
            new PolicyActivated(proposal, "contribution-invalidation", payload, "0x00", DateTimeOffset.UtcNow)));
        var invalidated = await Eventually.MatchesAsync(() => ViewAsync(target),
            v => v.GetProperty("invalidation").ValueKind == JsonValueKind.Object, "the invalidation");
        Assert.Equal(proposal, invalidated.GetProperty("invalidation").GetProperty("proposalId").GetString());
        Assert.Equal("harmful content", invalidated.GetProperty("invalidation").GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, invalidated.GetProperty("invalidation").GetProperty("rewardAdjustment").ValueKind);

        await service.AppendAsync(("ledger/credits/" + target + "/reversal",
            new RewardAdjusted(target, Contributor, "-7000", 4, "harmful content", proposal, DateTimeOffset.UtcNow)));
        var reversed = await Eventually.MatchesAsync(() => ViewAsync(target),
            v => v.GetProperty("invalidation").GetProperty("rewardAdjustment").ValueKind == JsonValueKind.String, "the reversal");
        Assert.Equal("-7000", reversed.GetProperty("invalidation").GetProperty("rewardAdjustment").GetString());
        Assert.Equal(4, reversed.GetProperty("invalidation").GetProperty("adjustmentEpoch").GetInt64());
        Assert.Equal("7000", reversed.GetProperty("reward").GetString()); // what was credited, beside what was taken back
    }

    [Fact]
    public async Task A_contributed_models_gain_credit_and_its_reversal_show_beside_the_reward_and_a_gain_forged_elsewhere_changes_nothing()
    {
        var target = await SubmitAsync("a model that became champion");
        await Eventually.MatchesAsync(() => ViewAsync(target), HasLogIndex, "the log index");
        var proposal = "0x" + new string('c', 64);
        await service.AppendAsync(("scoring/" + target, Scored(target, 80)), ("ledger/credits/" + target, Rewarded(target, "16000")),
            // Forged: a gain credit outside the ledger's gain streams is no credit.
            ("ledger/credits/forged-gain/" + target, new ModelGainRewarded(target, Contributor, 1, "0x" + new string('d', 64), 9000, "1", 3, "reward-1", DateTimeOffset.UtcNow)));
        var marker = await SubmitAsync("after the forged gain");
        await Eventually.MatchesAsync(() => ViewAsync(marker), HasLogIndex, "the projector to pass the forgery");
        Assert.Equal(JsonValueKind.Null, (await ViewAsync(target)).GetProperty("gain").ValueKind);

        await service.AppendAsync(("ledger/gains/" + target,
            new ModelGainRewarded(target, Contributor, 1, "0x" + new string('d', 64), 750, "7500", 3, "reward-1", DateTimeOffset.UtcNow)));
        var gained = await Eventually.MatchesAsync(() => ViewAsync(target), v => v.GetProperty("gain").ValueKind == JsonValueKind.Object, "the gain credit");
        Assert.Equal(("7500", 750, 3L), (gained.GetProperty("gain").GetProperty("amount").GetString(),
            gained.GetProperty("gain").GetProperty("gainBasisPoints").GetInt32(), gained.GetProperty("gain").GetProperty("epoch").GetInt64()));
        Assert.Equal(JsonValueKind.Null, gained.GetProperty("gain").GetProperty("reversal").ValueKind);

        await service.AppendAsync(("ledger/gains/" + target + "/reversal",
            new ModelGainReversed(target, Contributor, "-7500", 4, "stolen weights", proposal, DateTimeOffset.UtcNow)));
        var reversed = await Eventually.MatchesAsync(() => ViewAsync(target),
            v => v.GetProperty("gain").GetProperty("reversal").ValueKind == JsonValueKind.String, "the gain's reversal");
        Assert.Equal(("-7500", 4L, proposal), (reversed.GetProperty("gain").GetProperty("reversal").GetString(),
            reversed.GetProperty("gain").GetProperty("reversalEpoch").GetInt64(), reversed.GetProperty("gain").GetProperty("reversalProposalId").GetString()));
        Assert.Equal("16000", reversed.GetProperty("reward").GetString()); // the quality reward beside it, unchanged
    }

    [Fact]
    public async Task A_data_value_credit_and_its_reversal_show_beside_the_reward_and_one_forged_elsewhere_changes_nothing()
    {
        var target = await SubmitAsync("new data that made the model better");
        await Eventually.MatchesAsync(() => ViewAsync(target), HasLogIndex, "the log index");
        var proposal = "0x" + new string('c', 64);
        var model = "0x" + new string('d', 64);
        await service.AppendAsync(("scoring/" + target, Scored(target, 80)), ("ledger/credits/" + target, Rewarded(target, "16000")),
            // Forged: a data-value credit outside the ledger's data-value streams is no credit.
            ("ledger/gains/" + target, new DataValueRewarded(target, Contributor, "data", 3, model, 40, 10, 4, "1", 3, "reward-1", DateTimeOffset.UtcNow)));
        var marker = await SubmitAsync("after the forged data value");
        await Eventually.MatchesAsync(() => ViewAsync(marker), HasLogIndex, "the projector to pass the forgery");
        Assert.Equal(JsonValueKind.Null, (await ViewAsync(target)).GetProperty("dataValue").ValueKind);

        await service.AppendAsync(("ledger/data-value/" + target,
            new DataValueRewarded(target, Contributor, "data", 3, model, 40, 10, 4, "1600", 3, "reward-2", DateTimeOffset.UtcNow)));
        var valued = await Eventually.MatchesAsync(() => ViewAsync(target), v => v.GetProperty("dataValue").ValueKind == JsonValueKind.Object, "the data-value credit");
        var credit = valued.GetProperty("dataValue");
        Assert.Equal(("1600", 40, 3L, "reward-2"), (credit.GetProperty("amount").GetString(), credit.GetProperty("gainBasisPoints").GetInt32(),
            credit.GetProperty("epoch").GetInt64(), credit.GetProperty("policyVersion").GetString()));
        Assert.Equal(("data", 4, 10), (credit.GetProperty("batch").GetString(), credit.GetProperty("examples").GetInt32(), credit.GetProperty("batchExamples").GetInt32()));
        Assert.Equal(JsonValueKind.Null, credit.GetProperty("reversal").ValueKind);
        Assert.Equal(JsonValueKind.Null, valued.GetProperty("gain").ValueKind); // a data value is not a model's gain

        await service.AppendAsync(("ledger/data-value/" + target,
            new DataValueReversed(target, Contributor, "-1600", 4, "copied text", proposal, DateTimeOffset.UtcNow)));
        var reversed = await Eventually.MatchesAsync(() => ViewAsync(target),
            v => v.GetProperty("dataValue").GetProperty("reversal").ValueKind == JsonValueKind.String, "the data value's reversal");
        Assert.Equal(("-1600", 4L, proposal), (reversed.GetProperty("dataValue").GetProperty("reversal").GetString(),
            reversed.GetProperty("dataValue").GetProperty("reversalEpoch").GetInt64(), reversed.GetProperty("dataValue").GetProperty("reversalProposalId").GetString()));
        Assert.Equal("1600", reversed.GetProperty("dataValue").GetProperty("amount").GetString()); // what was credited, beside what was taken back
        Assert.Equal("16000", reversed.GetProperty("reward").GetString()); // the quality reward beside it, unchanged
    }

    [Fact]
    public async Task An_appeal_decided_in_scoring_becomes_the_score_and_a_decision_forged_elsewhere_changes_nothing()
    {
        var target = await SubmitAsync("appealed later");
        await Eventually.MatchesAsync(() => ViewAsync(target), HasLogIndex, "the log index");
        await service.AppendAsync(("scoring/" + target, Scored(target, 40)));
        var appealId = "0x" + new string('a', 64);
        var decided = new AppealDecided(target, appealId, Contributor, 40, 71, "changed", new ScoreComponents(50, 80, "accept", 30, []),
            [new ScoredReview("0x" + new string('5', 40), 80, "accept", 0.5m, false)], "scoring-1", DateTimeOffset.UtcNow);
        // Forged in a stream quality-scoring does not own: nothing changes.
        await service.AppendAsync(("ledger/forged-appeal/" + target, decided with { FinalScore = 100 }));
        var marker = await SubmitAsync("after the forged appeal");
        await Eventually.MatchesAsync(() => ViewAsync(marker), HasLogIndex, "the projector to pass the forgery");
        var before = await ViewAsync(target);
        Assert.Equal(40, before.GetProperty("score").GetInt32());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("appeal").ValueKind);

        await service.AppendAsync(("scoring/" + target, new AppealFiled(appealId, target, Contributor, "Underrated.", "1", 0, "0x", 40, DateTimeOffset.UtcNow)),
            ("scoring/" + target, decided));
        var view = await Eventually.MatchesAsync(() => ViewAsync(target), v => v.GetProperty("score").GetInt32() == 71, "the appeal's score");
        Assert.Equal("changed", view.GetProperty("appeal").GetProperty("outcome").GetString());
        Assert.Equal(40, view.GetProperty("appeal").GetProperty("firstScore").GetInt32());
        Assert.Equal("Underrated.", view.GetProperty("appeal").GetProperty("reason").GetString());

        // The ledger's settlement, taken only from the ledger's streams: a forged one elsewhere changes nothing.
        var settled = new AppealSettled(target, appealId, Contributor, 71, "7100", "3100", "1000", 2_000_000, [],
            [new SettlementLine(Contributor, "3100")], 6, "reward-1", DateTimeOffset.UtcNow);
        await service.AppendAsync(("scoring/forged-settlement/" + target, settled with { ContributorDelta = "999999" }));
        var passed = await SubmitAsync("after the forged settlement");
        await Eventually.MatchesAsync(() => ViewAsync(passed), HasLogIndex, "the projector to pass the forged settlement");
        Assert.Equal(JsonValueKind.Null, (await ViewAsync(target)).GetProperty("appeal").GetProperty("rewardAdjustment").ValueKind);
        await service.AppendAsync(("ledger/credits/" + target + "/settlement", settled));
        var adjusted = await Eventually.MatchesAsync(() => ViewAsync(target),
            v => v.GetProperty("appeal").GetProperty("rewardAdjustment").ValueKind == JsonValueKind.String, "the settlement");
        Assert.Equal(("3100", 6L), (adjusted.GetProperty("appeal").GetProperty("rewardAdjustment").GetString(), adjusted.GetProperty("appeal").GetProperty("settlementEpoch").GetInt64()));
    }
}
