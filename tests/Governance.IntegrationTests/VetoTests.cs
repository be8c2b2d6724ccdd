using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// The guardian's veto during the timelock, and every way to misuse it: someone else signing as the guardian or as
/// themselves, a veto before the vote passed or after activation, a veto without a reason, a replayed nonce. A class of
/// its own: it has its own database and clock.
/// </summary>
public sealed class VetoTests(GovernanceSystem system) : VotingTests(system)
{
    private const int Guardian = GovernanceSystem.GuardianKey;

    [Fact]
    public async Task A_passed_proposal_vetoed_in_its_timelock_never_activates_and_every_misuse_of_the_veto_is_refused()
    {
        var id = await ProposeAsync(1, new { validator = Address(6) });

        // Before the vote has passed there is nothing to veto.
        using (var early = await VetoAsync(System.Veto(Guardian, id, "too early")))
            await AssertProblemAsync(early, HttpStatusCode.Conflict, "proposalId");

        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        using (var vote = await VoteAsync(System.Vote(1, id, 1))) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        await System.AdvanceAsync(TimeSpan.FromSeconds(121));
        Assert.Equal("queued", await StateAsync(id));

        // Not the guardian: a voter signing their own veto, and a voter forging the guardian's address with their own key.
        using (var voter = await VetoAsync(System.Veto(1, id, "I changed my mind")))
            await AssertProblemAsync(voter, HttpStatusCode.Forbidden, "guardian");
        using (var forged = await VetoAsync(System.Veto(Guardian, id, "forged", signWith: 2)))
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        // No public reason, or a malformed proposal id.
        using (var silent = await VetoAsync(System.Veto(Guardian, id, " ")))
            await AssertProblemAsync(silent, HttpStatusCode.BadRequest, "reason");
        using (var malformed = await System.Api.PostAsJsonAsync("/api/vetoes", new { guardian = Address(Guardian), proposalId = "0x1234", reason = "x" }))
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(0, await System.CountEventsOfTypeAsync("proposal_vetoed", id));

        // The guardian's veto, with its reason, stops the proposal; sending it again is answered as before.
        var veto = System.Veto(Guardian, id, "admits a validator the community has not vetted");
        using (var vetoed = await VetoAsync(veto))
            Assert.Equal(HttpStatusCode.Created, vetoed.StatusCode);
        using (var again = await VetoAsync(veto))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var proposal = await System.GetAsync($"/api/proposals/{id}");
        Assert.Equal("vetoed", proposal.GetProperty("state").GetString());

        // Past the timelock it stays vetoed and never activates.
        await System.AdvanceAsync(TimeSpan.FromSeconds(120));
        Assert.Equal("vetoed", await StateAsync(id));
        Assert.Equal(0, await System.CountEventsOfTypeAsync("policy_activated", id));
        Assert.Equal(1, await System.CountEventsOfTypeAsync("proposal_vetoed", id));
    }

    [Fact]
    public async Task An_activated_proposal_cannot_be_vetoed_and_a_nonce_is_used_once()
    {
        var id = await ProposeAsync(1, new { validator = Address(7) });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        using (var vote = await VoteAsync(System.Vote(1, id, 1))) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        await System.AdvanceAsync(TimeSpan.FromSeconds(121));
        await System.AdvanceAsync(TimeSpan.FromSeconds(61));
        Assert.Equal("activated", await StateAsync(id));

        using (var late = await VetoAsync(System.Veto(Guardian, id, "too late", nonce: 424_242)))
            await AssertProblemAsync(late, HttpStatusCode.Conflict, "proposalId");

        // A second proposal in its timelock: the guardian's first veto works; the same nonce on another veto is a replay.
        var other = await ProposeAsync(1, new { validator = Address(9) });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        using (var vote = await VoteAsync(System.Vote(1, other, 1))) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        await System.AdvanceAsync(TimeSpan.FromSeconds(121));
        using (var vetoed = await VetoAsync(System.Veto(Guardian, other, "first reason", nonce: 777)))
            Assert.Equal(HttpStatusCode.Created, vetoed.StatusCode);
        var third = await ProposeAsync(1, new { validator = Address(5) });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        using (var vote = await VoteAsync(System.Vote(1, third, 1))) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        await System.AdvanceAsync(TimeSpan.FromSeconds(121));
        using (var replayed = await VetoAsync(System.Veto(Guardian, third, "second reason", nonce: 777)))
            await AssertProblemAsync(replayed, HttpStatusCode.Conflict, "nonce");
        Assert.Equal(0, await System.CountEventsOfTypeAsync("proposal_vetoed", third));
    }

    private Task<HttpResponseMessage> VetoAsync(object veto) => System.Api.PostAsJsonAsync("/api/vetoes", veto);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.True(problem.TryGetProperty("field", out var named) && named.GetString() == field
            || problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), body);
    }
}
