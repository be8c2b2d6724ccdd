using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Malformed, oversized, forged, replayed and hostile requests to the review and registration endpoints: each gets a
/// problem answer naming what is wrong, and none of them leaves anything in the history.
/// </summary>
public sealed class HostileInputTests(ScoringSystem system) : IClassFixture<ScoringSystem>
{
    private const int Contributor = 1;
    private static readonly int[] Validators = [2, 3, 4, 5];

    public static TheoryData<string, string> MalformedReviews => new()
    {
        { """{ "validator": """, "body" },
        { "[]", "body" },
        { "null", "body" },
        { """{ "score": "high" }""", "body" },
        { """{ "nonce": 18446744073709551616 }""", "body" },
        { Review(score: 101), "score" },
        { Review(score: -1), "score" },
        { Review(verdict: "maybe"), "verdict" },
        { Review(verdict: "accept'; DROP TABLE history.mt_events; --"), "verdict" },
        { Review(contributionId: "0x'; DELETE FROM history.mt_events; --"), "contributionId" },
        { Review(contributionId: "0x" + new string('a', 63)), "contributionId" },
        { Review(validator: "0x\u0000\u202e" + new string('9', 38)), "validator" },
        { Review(validator: new string('あ', 2000)), "validator" },
        { Review(deadline: 1), "deadline" },
        { Review(deadline: ulong.MaxValue), "deadline" },
        { Review(signature: "0x1234"), "signature" },
    };

    [Theory]
    [MemberData(nameof(MalformedReviews))]
    public async Task A_malformed_review_is_a_400_problem_and_records_nothing(string body, string field)
    {
        var response = await PostRawAsync("/api/reviews", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field != "body")
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}");
        Assert.Equal(0, await system.CountEventsAsync("review_submitted", "0x" + new string('1', 64)));
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413_before_it_is_read()
    {
        var response = await PostRawAsync("/api/reviews", Review(signature: "0x" + new string('a', 200_000)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await system.CountEventsAsync("review_submitted", "0x" + new string('1', 64)));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_with_415()
    {
        using var content = new StringContent(Review(), Encoding.UTF8, "text/plain");
        var response = await system.Api.PostAsync("/api/reviews", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, await system.CountEventsAsync("review_submitted", "0x" + new string('1', 64)));
    }

    [Fact]
    public async Task A_signed_review_of_an_unknown_contribution_is_404()
    {
        var response = await system.ReviewAsync(2, "0x" + new string('7', 64), 50);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("contributionId", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_nonce_used_for_one_review_cannot_sign_another()
    {
        foreach (var key in Validators)
            Assert.True((await system.RegisterAsync(key)).StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        var first = ScoringSystem.Submission(Contributor, "Replay protection: first contribution reviewed with nonce 41 by a shared reviewer.");
        var second = ScoringSystem.Submission(Contributor, "Replay protection: second contribution whose review reuses that nonce of the same reviewer.");
        await system.PublishAsync(first);
        await system.PublishAsync(second);
        // Three of four eligible validators review each contribution, so at least two review both.
        var firstReviewers = await system.AssignedAsync(first.ContributionId, Validators);
        var shared = (await system.AssignedAsync(second.ContributionId, Validators)).Intersect(firstReviewers).First();

        Assert.Equal(HttpStatusCode.Created, (await system.ReviewAsync(shared, first.ContributionId, 60, nonce: 41)).StatusCode);
        var replay = await system.CommitAsync(shared, second.ContributionId, 60, nonce: 41);

        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Equal("nonce", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(0, await system.CountEventsAsync("review_committed", second.ContributionId));

        // The reveal's nonce is spent too: committing with a fresh nonce, then revealing with the used one, is refused.
        Assert.Equal(HttpStatusCode.Created, (await system.CommitAsync(shared, second.ContributionId, 60, nonce: 42)).StatusCode);
        var replayedReveal = await system.RevealAsync(shared, second.ContributionId, 60, nonce: 41, saltNonce: 42);
        Assert.Equal(HttpStatusCode.Conflict, replayedReveal.StatusCode);
        Assert.Equal("nonce", (await replayedReveal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        var @case = await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{second.ContributionId}");
        Assert.Equal(0, @case.GetProperty("revealed").GetArrayLength());
    }

    [Theory]
    [InlineData("""{ "validator": "0x' OR 1=1 --", "nonce": 1, "deadline": 1, "signature": "0x00" }""")]
    [InlineData("""{ "validator": null }""")]
    [InlineData("{")]
    public async Task A_malformed_registration_is_a_400_problem_and_registers_nobody(string body)
    {
        var response = await PostRawAsync("/api/validators", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await system.CountEventsAsync("validator_registered", null));
    }

    /// <summary>
    /// Registration, reviews and appeals sit behind the same per-client limit as every service's POSTs (the one in
    /// ServiceDefaults): a client flooding registrations is answered 429 before its body is read, whatever it sends.
    /// </summary>
    [Fact]
    public async Task A_client_flooding_registration_is_refused_with_429_after_its_allowance()
    {
        var registered = await system.CountEventsAsync("validator_registered", null);
        await using var limited = system.StartReplica(new Dictionary<string, string> { ["RateLimits:PerClientAddress"] = "3", ["RateLimits:Window"] = "01:00:00" });
        var client = limited.CreateClient();
        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "/api/validators", "/api/validators", "/api/reviews", "/api/validators", "/api/appeals" })
        {
            using var response = await client.PostAsync(path, new StringContent("""{ "validator": null }""", Encoding.UTF8, "application/json"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                Assert.Equal("clientAddress", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(registered, await system.CountEventsAsync("validator_registered", null));
    }

    [Theory]
    [InlineData("0x' OR 1=1 --")]
    [InlineData("not-an-address")]
    public async Task Hostile_addresses_in_paths_are_answered_without_effect(string address)
    {
        var response = await system.Api.GetAsync($"/api/validators/{Uri.EscapeDataString(address)}");
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"answered {response.StatusCode}");
        var assignments = await system.Api.GetAsync($"/api/validators/{Uri.EscapeDataString(address)}/assignments");
        Assert.True(assignments.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.OK, $"answered {assignments.StatusCode}");
    }

    public static TheoryData<string, string> MalformedCommitments => new()
    {
        { """{ "validator": """, "body" },
        { "[]", "body" },
        { """{ "nonce": -1 }""", "body" },
        { Commitment(commitment: "0x1234"), "commitment" },
        { Commitment(commitment: "0x'; DELETE FROM history.mt_events; --"), "commitment" },
        { Commitment(contributionId: "0x" + new string('a', 63)), "contributionId" },
        { Commitment(validator: "0x\u0000" + new string('9', 39)), "validator" },
        { Commitment(deadline: 1), "deadline" },
        { Commitment(signature: "0x1234"), "signature" },
    };

    [Theory]
    [MemberData(nameof(MalformedCommitments))]
    public async Task A_malformed_commitment_is_a_400_problem_and_records_nothing(string body, string field)
    {
        var response = await PostRawAsync("/api/reviews/commitments", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field != "body")
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}");
        Assert.Equal(0, await system.CountEventsAsync("review_committed", "0x" + new string('1', 64)));
    }

    [Fact]
    public async Task An_oversized_commitment_is_refused_with_413_and_an_unsigned_one_with_401()
    {
        var oversized = await PostRawAsync("/api/reviews/commitments", Commitment(signature: "0x" + new string('a', 200_000)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);

        // Well formed, signed by a key that is not the validator's.
        var forged = await system.CommitAsync(2, "0x" + new string('7', 64), 50, signingKey: 8);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await system.CountEventsAsync("review_committed", "0x" + new string('7', 64)));
    }

    private static string Commitment(string? validator = null, string? contributionId = null, string? commitment = null,
        ulong deadline = 0, string signature = "0x" + "11") => JsonSerializer.Serialize(new
        {
            validator = validator ?? AnvilNode.DevAddresses[2],
            contributionId = contributionId ?? "0x" + new string('1', 64),
            commitment = commitment ?? "0x" + new string('2', 64),
            nonce = 1,
            deadline = deadline == 0 ? (ulong)DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds() : deadline,
            signature = signature.Length > 4 ? signature : "0x" + new string('1', 130),
        });

    private Task<HttpResponseMessage> PostRawAsync(string path, string json) =>
        system.Api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static string Review(string? validator = null, string? contributionId = null, int score = 50, string verdict = "accept",
        ulong deadline = 0, string signature = "0x" + "11") => JsonSerializer.Serialize(new
        {
            validator = validator ?? AnvilNode.DevAddresses[2],
            contributionId = contributionId ?? "0x" + new string('1', 64),
            score,
            verdict,
            nonce = 1,
            deadline = deadline == 0 ? (ulong)DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds() : deadline,
            signature = signature.Length > 4 ? signature : "0x" + new string('1', 130),
        });
}
