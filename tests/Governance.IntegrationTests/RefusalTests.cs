using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>Every refusal is a problem naming the field, with the status the API promises, and changes nothing in the history.</summary>
public sealed class RefusalTests(GovernanceSystem system) : VotingTests(system)
{
    private Task<JsonElement> RefusedAsync(string path, object body, HttpStatusCode status) => RefusedAsync(System, path, body, status);

    public static async Task<JsonElement> RefusedAsync(GovernanceSystem system, string path, object body, HttpStatusCode status)
    {
        var before = await system.CountEventsAsync("governance/");
        using var response = await system.Api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await system.CountEventsAsync("governance/"));
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task A_proposal_signed_by_someone_else_or_for_another_deployment_is_unauthorised()
    {
        await RefusedAsync("/api/proposals", System.Proposal(1, "validator-admission", new { validator = Address(6) }, signWith: 2), HttpStatusCode.Unauthorized);
        var staging = new SigningDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        var problem = await RefusedAsync("/api/proposals",
            System.Proposal(1, "validator-admission", new { validator = Address(6) }, domain: staging), HttpStatusCode.Unauthorized);
        Assert.Equal("signature", problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("validator-admission", "{\"validator\":\"0x12\"}", "payload.validator")]
    [InlineData("validator-admission", "{\"someone\":\"else\"}", "payload.validator")]
    [InlineData("dataset-builder-removal", "{\"builder\":\"nobody\"}", "payload.builder")]
    [InlineData("contribution-invalidation", "{\"contributionId\":\"0x01\",\"reason\":\"\"}", "payload.contributionId")]
    [InlineData("governance-parameters", "{\"version\":1}", "payload.proposalThreshold")]
    [InlineData("mint-tokens", "{}", "kind")]
    public async Task A_payload_that_does_not_fit_its_kind_is_refused_naming_the_field(string kind, string payload, string field)
    {
        var problem = await RefusedAsync("/api/proposals", System.Proposal(1, kind, JsonDocument.Parse(payload).RootElement), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Malformed_fields_are_all_named()
    {
        var problem = await RefusedAsync("/api/proposals", new
        {
            proposer = "0x123", kind = "validator-admission", title = new string('t', 201), body = "", payload = "not an object",
            nonce = 1, deadline = 1, signature = "0x00",
        }, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "proposer", "title", "payload", "deadline", "signature" })
            Assert.True(errors.TryGetProperty(field, out _), $"{field} not named in {errors}");
    }

    [Fact]
    public async Task Someone_who_never_earned_cannot_propose_or_vote()
    {
        await RefusedAsync("/api/proposals", System.Proposal(5, "validator-admission", new { validator = Address(6) }), HttpStatusCode.Forbidden);
        var id = await ProposeAsync(1, new { validator = GovernanceSystem.RandomAddress() });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        await RefusedAsync("/api/votes", System.Vote(5, id, 1), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Votes_outside_the_period_twice_replayed_or_on_an_unknown_proposal_are_refused()
    {
        var id = await ProposeAsync(1, new { validator = GovernanceSystem.RandomAddress() });
        await RefusedAsync("/api/votes", System.Vote(2, id, 1), HttpStatusCode.Conflict); // voting has not started

        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        var vote = System.Vote(2, id, 1);
        using (var first = await System.Api.PostAsJsonAsync("/api/votes", vote))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using (var again = await System.Api.PostAsJsonAsync("/api/votes", vote))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the same signed vote again is idempotent
        await RefusedAsync("/api/votes", System.Vote(2, id, 0), HttpStatusCode.Conflict); // a second, different vote

        var nonce = JsonSerializer.SerializeToElement(vote).GetProperty("nonce").GetUInt64();
        var other = await ProposeAsync(1, new { validator = GovernanceSystem.RandomAddress() });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        await RefusedAsync("/api/votes", System.Vote(2, other, 1, nonce: nonce), HttpStatusCode.Conflict); // nonce replayed

        await RefusedAsync("/api/votes", System.Vote(2, "0x" + new string('a', 64), 1), HttpStatusCode.NotFound);
        await RefusedAsync("/api/votes", System.Vote(2, id, 3), HttpStatusCode.BadRequest);
        await System.AdvanceAsync(TimeSpan.FromHours(1));
        await RefusedAsync("/api/votes", System.Vote(3, id, 1), HttpStatusCode.Conflict); // voting has ended
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_read()
    {
        var before = await System.CountEventsAsync("governance/");
        using var content = new StringContent("{\"body\":\"" + new string('x', 200_000) + "\"}", global::System.Text.Encoding.UTF8, "application/json");
        using var response = await System.Api.PostAsync("/api/proposals", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before, await System.CountEventsAsync("governance/"));
    }
}

/// <summary>Weights must be exactly the claim tree's: a class of its own, since it closes a forged epoch.</summary>
public sealed class ForgedWeightsTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task A_history_whose_credits_disagree_with_the_published_claim_root_gives_no_weights()
    {
        await System.CloseEpochAsync(7, new Dictionary<string, global::System.Numerics.BigInteger> { [Address(6)] = 1 }, forgedRoot: "0x" + new string('1', 64));
        var problem = await RefusalTests.RefusedAsync(System, "/api/proposals", System.Proposal(1, "validator-admission", new { validator = GovernanceSystem.RandomAddress() }),
            HttpStatusCode.ServiceUnavailable);
        Assert.Contains("claim root", problem.GetProperty("detail").GetString());
    }
}
