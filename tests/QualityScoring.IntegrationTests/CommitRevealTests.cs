using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Sealed reviews: what a copying, a cheating and a lazy validator can and cannot do. Validators are anvil dev keys
/// 2–5; key 1 contributes.
/// </summary>
public sealed class CommitRevealTests(ScoringSystem system) : IClassFixture<ScoringSystem>
{
    private const int Contributor = 1;
    private static readonly int[] Validators = [2, 3, 4, 5];

    [Fact]
    public async Task A_copying_validator_sees_no_score_through_the_api_the_history_or_the_bus_before_the_case_closes()
    {
        var id = await SubmitAsync("A copying validator waits for the others' scores of these annotated tide tables.");
        var (a, b, copier) = await ReviewersAsync(id);
        Assert.Equal(HttpStatusCode.Created, (await system.ReviewAsync(a, id, 83, nonce: 51)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await system.ReviewAsync(b, id, 79, nonce: 51)).StatusCode);

        // Everything the copier can read before it commits: the case, the others' views, the history and the bus.
        var @case = await system.Api.GetStringAsync($"/api/scoring/{id}");
        var parsed = JsonDocument.Parse(@case).RootElement;
        Assert.Equal(0, parsed.GetProperty("reviews").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, parsed.GetProperty("scored").ValueKind);
        Assert.Equal(2, parsed.GetProperty("commitments").GetArrayLength());
        foreach (var (key, score) in new[] { (a, 83), (b, 79) })
        {
            var salt = ScoringSystem.Salt(key, id, 51);
            Assert.DoesNotContain(salt, @case, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain($"\"score\":{score}", (await system.Api.GetStringAsync($"/api/validators/{Anvil(key)}")).Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Equal(0, await HistoryMentionsAsync(salt));
        }
        Assert.Equal(0, await system.CountEventsAsync("review_submitted", id));
        Assert.Equal(0, await system.CountEventsAsync("contribution_scored", id));
        Assert.DoesNotContain(system.ScoredMessages, s => s.ContributionId == id);

        // Once the copier has committed too, the case closes with everyone's own reviews, and only then are they public.
        var last = await system.ReviewAsync(copier, id, 81, nonce: 51);
        Assert.Equal(HttpStatusCode.Created, last.StatusCode);
        Assert.Equal(3, await system.CountEventsAsync("review_submitted", id));
        Assert.Equal(1, await HistoryMentionsAsync(ScoringSystem.Salt(a, id, 51)));
        Assert.Equal(81, (await system.ScoredAsync(id)).Components!.ConsensusScore);
    }

    [Fact]
    public async Task A_reveal_that_does_not_match_its_commitment_is_refused_and_changes_nothing()
    {
        var id = await SubmitAsync("Reveal mismatch: a validator commits to one score and tries to reveal another for this glossary.");
        var (a, _, _) = await ReviewersAsync(id);

        var early = await system.RevealAsync(a, id, 70, nonce: 61);
        await AssertProblemAsync(early, HttpStatusCode.Conflict, "Not committed", "validator");

        Assert.Equal(HttpStatusCode.Created, (await system.CommitAsync(a, id, 70, nonce: 61)).StatusCode);
        var changedScore = await system.RevealAsync(a, id, 95, nonce: 61);
        await AssertProblemAsync(changedScore, HttpStatusCode.UnprocessableEntity, "Reveal does not match commitment", "commitment");
        var changedVerdict = await system.RevealAsync(a, id, 70, "reject", nonce: 61);
        await AssertProblemAsync(changedVerdict, HttpStatusCode.UnprocessableEntity, "Reveal does not match commitment", "commitment");

        var @case = await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
        Assert.Equal(0, @case.GetProperty("revealed").GetArrayLength());
        Assert.Equal(0, await system.CountEventsAsync("review_submitted", id));
        // Nothing was spent: the honest reveal, with the very same nonce, is accepted.
        Assert.Equal(HttpStatusCode.Created, (await system.RevealAsync(a, id, 70, nonce: 61)).StatusCode);
    }

    /// <summary>
    /// A case is written again at every commitment, reveal and close, so it is stored as what it is built from: not the
    /// properties that follow from it (they repeat its lists), nor its draw's candidates (the history event keeps them).
    /// The API still answers both kinds.
    /// </summary>
    [Fact]
    public async Task A_case_is_stored_without_what_follows_from_it_and_answered_with_it()
    {
        var id = await SubmitAsync("Stored once, answered whole: the sealed case of this annotated list of estuary birds.");
        var (a, _, _) = await ReviewersAsync(id);
        Assert.Equal(HttpStatusCode.Created, (await system.CommitAsync(a, id, 70, nonce: 81)).StatusCode);

        var stored = JsonDocument.Parse((await system.ScalarAsync<string>("SELECT data::text FROM scoring.mt_doc_scoringcase WHERE id = @id", ("id", id)))!).RootElement;
        Assert.Equal(1, stored.GetProperty("commitments").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, stored.GetProperty("openUntil").ValueKind); // the window closer's index
        foreach (var computed in new[] { "committed", "awaited", "revealed", "firstRoundReviews", "everAssigned", "status", "allCommitted" })
            Assert.False(stored.TryGetProperty(computed, out _), $"stored {computed}");
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("assignment").GetProperty("candidates").ValueKind);

        var answered = await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
        Assert.Equal(1, answered.GetProperty("committed").GetArrayLength());
        Assert.Equal(1, answered.GetProperty("awaited").GetArrayLength());
        Assert.Equal(0, answered.GetProperty("revealed").GetArrayLength());
        Assert.Equal("open", answered.GetProperty("status").GetString());
        Assert.Equal(stored.GetProperty("openUntil").GetDateTimeOffset(), answered.GetProperty("openUntil").GetDateTimeOffset());
        Assert.True((await system.EventsAsync("reviewers_assigned", id)).Single().GetProperty("candidates").GetArrayLength() >= 3);
    }

    [Fact]
    public async Task A_commitment_never_revealed_costs_reputation_when_the_reveal_window_closes()
    {
        var id = await SubmitAsync("A lazy validator commits to a review of these transit timetables and never reveals it.");
        var (a, b, lazy) = await ReviewersAsync(id);
        foreach (var (key, score) in new[] { (a, 60), (b, 62), (lazy, 60) })
            Assert.Equal(HttpStatusCode.Created, (await system.CommitAsync(key, id, score, nonce: 71)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await system.RevealAsync(a, id, 60, nonce: 71)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await system.RevealAsync(b, id, 62, nonce: 71)).StatusCode);
        var before = await ReputationAsync(lazy);

        var scored = await system.ScoredAsync(id, ScoringSystem.ReviewWindow + TimeSpan.FromSeconds(30));

        Assert.Null(scored.Fallback);
        Assert.Equal(2, scored.Reviews!.Count);
        Assert.Equal(2, await system.CountEventsAsync("review_submitted", id));
        var penalty = await Eventually.MatchesAsync(() => UnrevealedPenaltiesAsync(lazy, id), n => n == 1, "the lazy validator's penalty");
        Assert.Equal(1, penalty);
        Assert.True(await ReputationAsync(lazy) < before, "an unrevealed commitment lowers reputation");
        // Too late to reveal now.
        await AssertProblemAsync(await system.RevealAsync(lazy, id, 60, nonce: 71), HttpStatusCode.Conflict, "Review window closed", "contributionId");
    }

    private async Task<string> SubmitAsync(string text)
    {
        foreach (var key in Validators)
            Assert.True((await system.RegisterAsync(key)).StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        var submitted = ScoringSystem.Submission(Contributor, text);
        await system.PublishAsync(submitted);
        return submitted.ContributionId;
    }

    private async Task<(int, int, int)> ReviewersAsync(string id)
    {
        var reviewers = await Eventually.MatchesAsync(async () =>
        {
            var response = await system.Api.GetAsync($"/api/scoring/{id}");
            if (!response.IsSuccessStatusCode)
                return [];
            var @case = await response.Content.ReadFromJsonAsync<JsonElement>();
            return @case.GetProperty("assignment") is { ValueKind: JsonValueKind.Object } assignment
                ? assignment.GetProperty("reviewers").EnumerateArray()
                    .Select(r => Validators.Single(k => string.Equals(Anvil(k), r.GetProperty("validator").GetString(), StringComparison.OrdinalIgnoreCase))).ToList()
                : [];
        }, found => found.Count == 3, $"three reviewers of {id}");
        return (reviewers[0], reviewers[1], reviewers[2]);
    }

    private static string Anvil(int key) => AnvilNode.DevAddresses[key];

    private async Task<decimal> ReputationAsync(int key) =>
        (await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{Anvil(key)}")).GetProperty("reputation").GetDecimal();

    private Task<long> HistoryMentionsAsync(string text) =>
        system.ScalarAsync<long>("SELECT count(*) FROM history.mt_events WHERE strpos(lower(data::text), lower(@text)) > 0", ("text", text));

    private Task<long> UnrevealedPenaltiesAsync(int key, string id) => system.ScalarAsync<long>("""
        SELECT count(*) FROM history.mt_events WHERE type = 'reputation_changed' AND lower(data->>'validator') = lower(@validator)
          AND data->>'contributionId' = @id AND data->>'reason' = 'unrevealed' AND (data->>'agreement')::numeric = 0
        """, ("validator", Anvil(key)), ("id", id));

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string field)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }
}
