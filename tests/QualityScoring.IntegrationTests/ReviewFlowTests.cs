using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Five validators (anvil dev keys 1–5) sign with their own keys; key 1 is also the contributor, so it has a
/// contribution of its own that it must not review. Contributions arrive over the real bus, reviews over HTTP.
/// </summary>
public sealed class ReviewFlowTests(ScoringSystemWithoutReassignment system) : IClassFixture<ScoringSystemWithoutReassignment>
{
    private static readonly int[] Validators = [1, 2, 3, 4, 5];
    private const int Contributor = 1;

    [Fact]
    public async Task Assigned_validators_reach_a_reputation_weighted_consensus_and_everyone_else_is_refused()
    {
        await RegisterAllAsync();
        var submitted = ScoringSystem.Submission(Contributor, "Five validators review this labelled sample of legal clauses with their risk levels.");
        await system.PublishAsync(submitted);
        var id = submitted.ContributionId;
        var assigned = await AssignedAsync(id, 3);
        var unassigned = Validators.Single(v => v != Contributor && !assigned.Contains(v));

        // Everyone who may not review is refused with a problem that names the rule, and nothing is recorded.
        await AssertProblemAsync(await system.ReviewAsync(Contributor, id, 100), HttpStatusCode.Forbidden, "Self-review");
        await AssertProblemAsync(await system.ReviewAsync(unassigned, id, 50), HttpStatusCode.Forbidden, "Not assigned");
        await AssertProblemAsync(await system.ReviewAsync(7, id, 50), HttpStatusCode.Forbidden, "Not a validator");
        await AssertProblemAsync(await system.ReviewAsync(assigned[0], id, 50, signingKey: 8), HttpStatusCode.Unauthorized, "Invalid signature");
        await AssertProblemAsync(await system.ReviewAsync(assigned[0], id, 50, domain: Staging), HttpStatusCode.Unauthorized, "Invalid signature");
        Assert.Equal(0, await system.CountEventsAsync("review_committed", id));
        Assert.Equal(0, await system.CountEventsAsync("review_submitted", id));

        Assert.Equal(HttpStatusCode.Created, (await system.ReviewAsync(assigned[0], id, 70, nonce: 11)).StatusCode);
        // The very same signed commitment and reveal again are a harmless retry; a different second review is a duplicate.
        Assert.Equal(HttpStatusCode.OK, (await system.ReviewAsync(assigned[0], id, 70, nonce: 11)).StatusCode);
        await AssertProblemAsync(await system.ReviewAsync(assigned[0], id, 95, nonce: 12), HttpStatusCode.Conflict, "Already committed");
        // The commitment is public at once; the review stays out of the history until the case closes.
        Assert.Equal(1, await system.CountEventsAsync("review_committed", id));
        Assert.Equal(0, await system.CountEventsAsync("review_submitted", id));
        Assert.DoesNotContain(await OpenAssignmentsAsync(assigned[0]), a => a == id);

        Assert.Equal(HttpStatusCode.Created, (await system.ReviewAsync(assigned[1], id, 76, nonce: 11)).StatusCode);
        var last = await system.ReviewAsync(assigned[2], id, 5, "reject", nonce: 11);
        Assert.Equal(HttpStatusCode.Created, last.StatusCode);

        var scored = await system.ScoredAsync(id);
        Assert.Null(scored.Fallback);
        Assert.Equal(70, scored.Components!.ConsensusScore);
        Assert.Equal("accept", scored.Components.ConsensusVerdict);
        Assert.Equal((30 * scored.Components.AutomatedScore + 70 * 70 + 50) / 100, scored.Score);
        Assert.Equal(3, scored.Reviews!.Count);
        Assert.True(scored.Reviews.Single(r => r.Score == 5).Clipped);
        Assert.Equal(scored.Score, (await last.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("finalScore").GetInt32());

        // Reputation follows agreement: the outlier lost weight, the others gained.
        Assert.True(await ReputationAsync(assigned[0]) > 0.5m);
        Assert.True(await ReputationAsync(assigned[2]) < 0.5m);
        Assert.Equal(0.5m, await ReputationAsync(unassigned));
        await AssertProblemAsync(await system.ReviewAsync(unassigned, id, 50, nonce: 13), HttpStatusCode.Forbidden, "Not assigned");

        // Each reviewer's view counts what its history holds, the last reviewer's too (its review completed the case).
        await AssertViewsMatchHistoryAsync(assigned);
    }

    [Fact]
    public async Task When_the_window_closes_short_of_the_quorum_the_fallback_decides_and_a_late_review_is_refused()
    {
        await RegisterAllAsync();
        var submitted = ScoringSystem.Submission(Contributor, "A contribution whose reviewers mostly miss the window; the fallback rule must decide it.");
        await system.PublishAsync(submitted);
        var id = submitted.ContributionId;
        var assigned = await AssignedAsync(id, 3);
        Assert.Equal(HttpStatusCode.Created, (await system.ReviewAsync(assigned[0], id, 90, nonce: 21)).StatusCode);

        // Nothing is left to reveal once the commit window closes, so the case does not wait out the reveal window.
        var scored = await system.ScoredAsync(id, ScoringSystem.ReviewWindow + TimeSpan.FromSeconds(30));
        Assert.True(scored.ScoredAt < (await AssignedAtAsync(id)) + ScoringSystem.ReviewWindow, "closed at the commit deadline");
        Assert.Equal("no-quorum", scored.Fallback);
        Assert.Equal(scored.Components!.AutomatedScore, scored.Score);
        Assert.Contains("fallback:no-quorum", scored.Components.Flags);

        await AssertProblemAsync(await system.ReviewAsync(assigned[1], id, 60, nonce: 22), HttpStatusCode.Conflict, "Commit window closed");
        Assert.Equal(1, await system.CountEventsAsync("review_submitted", id));
        Assert.Equal(1, await system.CountEventsAsync("contribution_scored", id));
        Assert.Empty(await OpenAssignmentsAsync(assigned[1]));
    }

    [Fact]
    public async Task A_case_past_its_commit_deadline_leaves_the_list_of_a_reviewer_who_did_not_commit_and_stays_for_one_who_did()
    {
        await RegisterAllAsync();
        var submitted = ScoringSystem.Submission(Contributor, "Commit deadlines: a reviewer away too long finds only the cases it can still act on.");
        await system.PublishAsync(submitted);
        var id = submitted.ContributionId;
        var reviewers = await AssignedAsync(id, 3);
        var (committer, absent) = (reviewers[0], reviewers[1]);
        Assert.Equal(HttpStatusCode.Created, (await system.CommitAsync(committer, id, 70, nonce: 81)).StatusCode);

        var mine = (await AssignmentsAsync(committer)).Single(a => a.GetProperty("contributionId").GetString() == id);
        Assert.True(mine.GetProperty("committed").GetBoolean());
        var commitClosesAt = (await AssignmentsAsync(absent)).Single(a => a.GetProperty("contributionId").GetString() == id)
            .GetProperty("commitClosesAt").GetDateTimeOffset();
        Assert.True(commitClosesAt < mine.GetProperty("windowClosesAt").GetDateTimeOffset());

        // Past the commit deadline (reassignment is off in this system, so the absent reviewer stays assigned).
        await Task.Delay(commitClosesAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(id, await OpenAssignmentsAsync(absent));
        await AssertProblemAsync(await system.CommitAsync(absent, id, 70, nonce: 81), HttpStatusCode.Conflict, "Commit window closed");
        // The one who committed still has its reveal to do, and it is taken.
        Assert.Contains(id, await OpenAssignmentsAsync(committer));
        Assert.Equal(HttpStatusCode.Created, (await system.RevealAsync(committer, id, 70, nonce: 81)).StatusCode);
        Assert.DoesNotContain(id, await OpenAssignmentsAsync(committer));
    }

    [Fact]
    public async Task Registration_needs_the_validators_own_signature_and_happens_once()
    {
        await RegisterAllAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await system.RegisterAsync(2, nonce: 99)).StatusCode);
        var registration = new ValidatorRegistrationPayload(AnvilNode.DevAddresses[6], 1, (ulong)DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        var forged = await system.Api.PostAsJsonAsync("/api/validators", new
        {
            registration.Validator, registration.Nonce, registration.Deadline,
            signature = TypedDataSigner.Sign(registration, TestChain.Domain, AnvilNode.DevPrivateKeys[7]),
        });
        await AssertProblemAsync(forged, HttpStatusCode.Unauthorized, "Invalid signature");
        Assert.Equal(HttpStatusCode.NotFound, (await system.Api.GetAsync($"/api/validators/{AnvilNode.DevAddresses[6]}")).StatusCode);
        var malformed = await system.Api.PostAsJsonAsync("/api/validators", new { validator = "0x1234", nonce = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var problem = await malformed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("validator", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("signature", out _));
    }

    // Another deployment on the same chain: its own HistoryAnchor.
    private static readonly SigningDomain Staging = new((ulong)AnvilNode.ChainId, "0x5FbDB2315678afecb367f032d93F642f64180aa3");

    [Fact]
    public async Task A_version_1_or_foreign_deployment_registration_is_refused_with_401_and_nothing_recorded()
    {
        var registration = new ValidatorRegistrationPayload(AnvilNode.DevAddresses[9], 1, (ulong)DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        var v1Signature = TypedDataSigner.SignDigest(TypedDataSigner.Version1Digest(registration, (ulong)AnvilNode.ChainId)!, AnvilNode.DevPrivateKeys[9]);
        var old = await system.Api.PostAsJsonAsync("/api/validators", new { registration.Validator, registration.Nonce, registration.Deadline, signature = v1Signature });
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        var problem = await old.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Version1Domain", problem.GetProperty("failure").GetString());
        Assert.Contains(TestChain.AnchorContract, problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);

        var foreign = await system.Api.PostAsJsonAsync("/api/validators", new
        {
            registration.Validator, registration.Nonce, registration.Deadline,
            signature = TypedDataSigner.Sign(registration, Staging, AnvilNode.DevPrivateKeys[9]),
        });
        Assert.Equal(HttpStatusCode.Unauthorized, foreign.StatusCode);
        Assert.Equal("SignerMismatch", (await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("failure").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await system.Api.GetAsync($"/api/validators/{AnvilNode.DevAddresses[9]}")).StatusCode);
        Assert.Equal(0, await system.CountValidatorEventsAsync("validator_registered", 9));
    }

    private async Task RegisterAllAsync()
    {
        foreach (var key in Validators)
        {
            var response = await system.RegisterAsync(key);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"registering validator {key}: {response.StatusCode}");
        }
    }

    /// <summary>The dev-key indexes of the validators assigned to a contribution, seen through their assignment lists.</summary>
    private async Task<List<int>> AssignedAsync(string contributionId, int expected) =>
        await Eventually.MatchesAsync(async () =>
        {
            var found = new List<int>();
            foreach (var key in Validators)
                if ((await OpenAssignmentsAsync(key)).Contains(contributionId))
                    found.Add(key);
            return found;
        }, found => found.Count == expected, $"{expected} reviewers to be assigned to {contributionId}");

    private async Task<DateTimeOffset> AssignedAtAsync(string contributionId) =>
        (await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{contributionId}")).GetProperty("assignment").GetProperty("assignedAt").GetDateTimeOffset();

    private async Task AssertViewsMatchHistoryAsync(IEnumerable<int> validators)
    {
        foreach (var key in validators)
        {
            var view = await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[key]}");
            Assert.Equal(await system.CountValidatorEventsAsync("review_submitted", key), view.GetProperty("reviewsSubmitted").GetInt32());
            Assert.Equal(await system.CountValidatorEventsAsync("reputation_changed", key), view.GetProperty("consensusReached").GetInt32());
        }
    }

    private async Task<List<string>> OpenAssignmentsAsync(int key) =>
        (await AssignmentsAsync(key)).Select(a => a.GetProperty("contributionId").GetString()!).ToList();

    private async Task<List<JsonElement>> AssignmentsAsync(int key) =>
        (await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[key]}/assignments")).EnumerateArray().ToList();

    private async Task<decimal> ReputationAsync(int key) =>
        (await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[key].ToLowerInvariant()}")).GetProperty("reputation").GetDecimal();

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(title, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }
}
