using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// <c>GET /api/appeals/standing</c> answers what <c>POST /api/appeals</c> would: a revealing reviewer may appeal until the
/// window closes, a stranger may not, and once the case is appealed or invalidated by governance nobody may, with the
/// refusal the filing gets.
/// </summary>
public sealed class AppealStandingTests(ReviewerAppealSystem system) : AppealScenario(system), IClassFixture<ReviewerAppealSystem>
{
    private static readonly TimeSpan AppealWindow = new CommunityAI.QualityScoring.Domain.ScoringOptions().AppealWindow;

    [Fact]
    public async Task The_standing_is_the_filings_answer_before_and_after_an_appeal()
    {
        var (id, first) = await ScoredAsync("Standing: the harbour's tide gauge readings, hour by hour, for one spring tide.", 50);
        var scoredAt = (await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}")).GetProperty("scored").GetProperty("scoredAt").GetDateTimeOffset();

        var reviewer = await StandingAsync(id, first[0]);
        Assert.True(reviewer.GetProperty("mayAppeal").GetBoolean());
        Assert.Equal("reviewer", reviewer.GetProperty("role").GetString());
        Assert.Equal(scoredAt + AppealWindow, reviewer.GetProperty("appealClosesAt").GetDateTimeOffset());

        var stranger = await StandingAsync(id, Stranger);
        Assert.False(stranger.GetProperty("mayAppeal").GetBoolean());
        Assert.Equal("Not on the case", stranger.GetProperty("refusal").GetString());
        await AssertProblemAsync(await AppealAsync(Stranger, id, "Not mine to appeal."), HttpStatusCode.Forbidden, "Not on the case", "appellant");

        Assert.Equal(HttpStatusCode.Created, (await AppealAsync(first[0], id, "The consensus misread the gauge.")).StatusCode);
        var after = await StandingAsync(id, first[1]);
        Assert.False(after.GetProperty("mayAppeal").GetBoolean());
        Assert.Equal("Already appealed", after.GetProperty("refusal").GetString());
        // Still the first round's window: the second round does not move it.
        Assert.Equal(scoredAt + AppealWindow, after.GetProperty("appealClosesAt").GetDateTimeOffset());
        await AssertProblemAsync(await AppealAsync(first[1], id, "Me too."), HttpStatusCode.Conflict, "Already appealed", "contributionId");

        using var malformed = await Scoring.Api.GetAsync($"/api/appeals/standing?contributionId={id}&appellant=0x1234");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task An_invalidated_contribution_is_appealed_by_nobody_and_nothing_is_recorded()
    {
        var (id, first) = await ScoredAsync("Invalidated: the ferry's departure board, copied from a page that forbids it.", 50);
        Assert.True((await StandingAsync(id, Contributor)).GetProperty("mayAppeal").GetBoolean());

        // The same activation outside governance's streams is no invalidation: only governance records proposals.
        var payload = $"{{\"contributionId\":\"{id.ToUpperInvariant().Replace("0X", "0x")}\",\"reason\":\"copied from a page that forbids it\"}}";
        await Scoring.ActivatePayloadAsync("contribution-invalidation", payload, "contributions/forged-");
        var proposal = await Scoring.ActivatePayloadAsync("contribution-invalidation", payload);

        var refused = await Eventually.MatchesAsync(() => StandingAsync(id, Contributor),
            s => !s.GetProperty("mayAppeal").GetBoolean(), $"the invalidation of {id} recorded", TimeSpan.FromSeconds(30));
        Assert.Equal("Invalidated", refused.GetProperty("refusal").GetString());
        Assert.Contains(proposal, refused.GetProperty("detail").GetString());

        foreach (var appellant in new[] { Contributor, first[0] })
        {
            using var response = await AppealAsync(appellant, id, "The score was fair, the vote was not.");
            var body = await response.Content.ReadAsStringAsync();
            await AssertProblemAsync(response, HttpStatusCode.Conflict, "Invalidated", "contributionId");
            Assert.Contains($"invalidated by proposal {proposal}", body);
        }
        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_filed", id));
        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_reviewers_assigned", id));
    }

    private async Task<JsonElement> StandingAsync(string id, int key) =>
        await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/appeals/standing?contributionId={id}&appellant={Anvil(key)}");
}
