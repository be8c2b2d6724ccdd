using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// A contributor appeals their own contribution's score: a second round of fresh validators, drawn from the seed round in
/// progress, decides the final score; the first round's reviewers are measured against it; the auditors' replay recomputes
/// the draw and the decision and names a tampered one. Every refusal changes nothing. Key 1 contributes; keys 2–9 validate.
/// </summary>
public sealed class AppealTests(AppealSystem system) : IClassFixture<AppealSystem>
{
    private const int Contributor = 1;
    private const int Stranger = 0;
    private static readonly int[] Validators = [2, 3, 4, 5, 6, 7, 8, 9];
    private static readonly TimeSpan Patience = ScoringSystem.ReviewWindow + TimeSpan.FromSeconds(45);
    private static long _nonce = 7_000;

    [Fact]
    public async Task A_second_round_of_fresh_validators_decides_the_appealed_score_and_replay_recomputes_it()
    {
        var (id, first) = await ScoredAsync("Appealed: a careful bilingual glossary of tidal terms that the first reviewers underrated.", 20);
        var before = await ReputationsAsync(first);

        var filed = await AppealAsync(Contributor, id, "The first reviewers scored the glossary as if it were machine translated; it is not.");
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var appeal = await filed.Content.ReadFromJsonAsync<JsonElement>();
        var panel = appeal.GetProperty("reviewers").EnumerateArray().Select(r => Key(r.GetString()!)).ToList();
        // Fresh validators only: the five who did not review the first round, a majority of them its quorum.
        Assert.Equal(Validators.Except(first).Order(), panel.Order());
        Assert.Equal(3, appeal.GetProperty("quorum").GetInt32());

        // The second round is sealed like the first: nothing of it is visible before it closes.
        foreach (var key in panel.Take(4))
            Assert.Equal(HttpStatusCode.Created, (await system.ReviewAsync(key, id, 80 + key % 3, nonce: Nonce())).StatusCode);
        var during = await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
        Assert.Equal(0, during.GetProperty("reviews").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, during.GetProperty("scored").ValueKind);
        Assert.Equal(first.Length, during.GetProperty("first").GetProperty("reviews").GetArrayLength());
        Assert.Equal(0, await system.CountEventsAsync("appeal_decided", id));
        // A first-round reviewer cannot review again.
        Assert.Equal(HttpStatusCode.Forbidden, (await system.CommitAsync(first[0], id, 20, nonce: Nonce())).StatusCode);

        var last = await system.ReviewAsync(panel[4], id, 82, nonce: Nonce());
        Assert.Equal(HttpStatusCode.Created, last.StatusCode);

        var decided = await DecidedAsync(id);
        var components = decided.GetProperty("components");
        var consensus = components.GetProperty("consensusScore").GetInt32();
        Assert.InRange(consensus, 80, 82);
        var weight = components.GetProperty("automatedWeight").GetInt32();
        var expected = (weight * components.GetProperty("automatedScore").GetInt32() + (100 - weight) * consensus + 50) / 100;
        Assert.Equal(expected, decided.GetProperty("finalScore").GetInt32());
        Assert.Equal("changed", decided.GetProperty("outcome").GetString());
        Assert.True(decided.GetProperty("firstScore").GetInt32() < expected);

        // The contribution's score is the final one now; the first round stays visible as it closed.
        var after = await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
        Assert.Equal(expected, after.GetProperty("scored").GetProperty("score").GetInt32());
        Assert.Equal(decided.GetProperty("firstScore").GetInt32(), after.GetProperty("first").GetProperty("scored").GetProperty("score").GetInt32());
        // One ContributionScored only: the first score was credited once; the decision is its own fact.
        Assert.Equal(1, await system.CountEventsAsync("contribution_scored", id));
        // The first round measured against the panel's consensus, for the ledger to pay by: the same reviews, clipped anew.
        var clip = int.Parse(await ScalarTextAsync("SELECT data->>'clipDistance' FROM history.mt_events WHERE type = 'scoring_policy_published' ORDER BY seq_id DESC LIMIT 1"));
        var firstReviews = after.GetProperty("first").GetProperty("scored").GetProperty("reviews").EnumerateArray().ToList();
        Assert.Equal(firstReviews.Select(r => (r.GetProperty("validator").GetString(), r.GetProperty("score").GetInt32(), Math.Abs(r.GetProperty("score").GetInt32() - consensus) > clip)),
            decided.GetProperty("firstRound").EnumerateArray().Select(r => (r.GetProperty("validator").GetString(), r.GetProperty("score").GetInt32(), r.GetProperty("clipped").GetBoolean())));

        // First-round reviewers, 60 points from the appeal's consensus, lose reputation for it.
        foreach (var key in first)
            Assert.Equal(1, await AppealMovesAsync(key, id));
        var reputations = await ReputationsAsync(first);
        Assert.All(first, key => Assert.True(reputations[key] < before[key], $"validator {key}: {before[key]} → {reputations[key]}"));

        // The auditors' replay recomputes the draw from the revealed round and the decision from the reviews.
        var replay = await ReplayAsync(r => r.GetProperty("appeals"), id);
        Assert.True(replay.Exit == 0, replay.Output);
        Assert.True(replay.Section.GetProperty("recomputed").GetInt32() >= 1, replay.Output);

        // A decision edited in the database is named, at its log index.
        var index = await TamperAsync(id);
        var tampered = await ReplayAsync(r => r.GetProperty("appeals"), id, waitForRounds: false);
        Assert.Equal(1, tampered.Exit);
        Assert.Contains(tampered.Section.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("index").GetInt64() == index && f.GetProperty("what").GetString() == "appeal score");
    }

    [Fact]
    public async Task A_panel_short_of_its_quorum_when_the_window_closes_leaves_the_first_score_standing()
    {
        var (id, first) = await ScoredAsync("Short panel: hourly wind readings from the lighthouse, with the gusts marked.", 60);
        var before = await ReputationsAsync(first);
        var filed = await AppealAsync(Contributor, id, "Two reviewers are not enough to settle this.");
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var panel = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reviewers").EnumerateArray().Select(r => Key(r.GetString()!)).ToList();

        // Two of five reveal; the rest never commit, and nobody is left to replace them.
        foreach (var key in panel.Take(2))
            Assert.Equal(HttpStatusCode.Created, (await system.ReviewAsync(key, id, 95, nonce: Nonce())).StatusCode);

        var decided = await DecidedAsync(id);
        Assert.Equal("no-quorum", decided.GetProperty("outcome").GetString());
        Assert.Equal(decided.GetProperty("firstScore").GetInt32(), decided.GetProperty("finalScore").GetInt32());
        var after = await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
        // The first round's measure stands with its score: the decision records its reviews as first recorded.
        static IEnumerable<(string?, int, bool)> Measured(JsonElement reviews) => reviews.EnumerateArray()
            .Select(r => (r.GetProperty("validator").GetString(), r.GetProperty("score").GetInt32(), r.GetProperty("clipped").GetBoolean()));
        Assert.Equal(Measured(after.GetProperty("scored").GetProperty("reviews")), Measured(decided.GetProperty("firstRound")));
        Assert.NotEmpty(Measured(decided.GetProperty("firstRound")));
        Assert.Equal(decided.GetProperty("firstScore").GetInt32(), after.GetProperty("scored").GetProperty("score").GetInt32());
        // Nobody is measured against a decision that was not made.
        foreach (var key in first)
            Assert.Equal(0, await AppealMovesAsync(key, id, anyAgreement: true));
        Assert.Equal(before, await ReputationsAsync(first));
    }

    [Fact]
    public async Task Appeals_by_another_person_forged_for_another_deployment_malformed_or_oversized_are_refused_and_change_nothing()
    {
        var (id, _) = await ScoredAsync("Refused appeals: a table of lock opening times on the upper canal, scored once and kept.", 50);
        var reason = "The score is too low.";

        // Another person's appeal, signed by themselves: the score is not theirs to appeal.
        await AssertProblemAsync(await AppealAsync(Stranger, id, reason), HttpStatusCode.Forbidden, "Not the contributor", "appellant");
        // The contributor's address, signed by someone else.
        await AssertProblemAsync(await AppealAsync(Contributor, id, reason, signingKey: Stranger), HttpStatusCode.Unauthorized, "Invalid signature", "signature");
        // Signed for another deployment (another verifying contract).
        await AssertProblemAsync(await AppealAsync(Contributor, id, reason, domain: new SigningDomain(TestChain.Domain.ChainId, AnvilNode.DevAddresses[9])),
            HttpStatusCode.Unauthorized, "Invalid signature", "signature");
        // Unsigned, a deadline passed, an id that is no id.
        await AssertValidationAsync(await PostAsync(new { appellant = Anvil(Contributor), contributionId = id, reason, nonce = 1, deadline = Deadline() }), "signature");
        await AssertValidationAsync(await AppealAsync(Contributor, id, reason, deadline: (ulong)DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds()), "deadline");
        await AssertValidationAsync(await AppealAsync(Contributor, "0x1234", reason), "contributionId");
        // Oversized: a reason past its limit, and a body past the service's.
        await AssertValidationAsync(await AppealAsync(Contributor, id, new string('x', SignedIntake.MaxReasonLength + 1)), "reason");
        var huge = await PostAsync(new { appellant = Anvil(Contributor), contributionId = id, reason = new string('x', 64 * 1024), nonce = 1, deadline = Deadline(), signature = "0x" });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        // No such contribution.
        await AssertProblemAsync(await AppealAsync(Contributor, Hex.Encode(new byte[32]), reason), HttpStatusCode.NotFound, "Unknown contribution", "contributionId");

        Assert.Equal(0, await system.CountEventsAsync("appeal_filed", id));
        Assert.Equal(0, await system.CountEventsAsync("appeal_reviewers_assigned", id));
        var @case = await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
        Assert.Equal(JsonValueKind.Null, @case.GetProperty("appeal").ValueKind);
        // Nothing was spent: the contributor's own appeal is accepted afterwards.
        Assert.Equal(HttpStatusCode.Created, (await AppealAsync(Contributor, id, reason)).StatusCode);
    }

    [Fact]
    public async Task A_contribution_is_appealed_once_a_replayed_or_second_appeal_is_refused_and_changes_nothing()
    {
        var (id, _) = await ScoredAsync("Appealed once: river gauge heights for the spring floods, with the sensor positions noted.", 40);
        var nonce = Nonce();
        var deadline = Deadline();
        Assert.Equal(HttpStatusCode.Created, (await AppealAsync(Contributor, id, "Once.", nonce: nonce, deadline: deadline)).StatusCode);
        var events = await HistoryCountAsync();

        // The very same signed appeal again, and a fresh one.
        await AssertProblemAsync(await AppealAsync(Contributor, id, "Once.", nonce: nonce, deadline: deadline), HttpStatusCode.Conflict, "Already appealed", "contributionId");
        await AssertProblemAsync(await AppealAsync(Contributor, id, "Twice."), HttpStatusCode.Conflict, "Already appealed", "contributionId");
        // The nonce of the accepted appeal, on another of the contributor's scored contributions.
        var (other, _) = await ScoredAsync("A second contribution: bridge clearance heights along the estuary at low water.", 45);
        var otherEvents = await HistoryCountAsync();
        await AssertProblemAsync(await AppealAsync(Contributor, other, "Replayed nonce.", nonce: nonce), HttpStatusCode.Conflict, "Nonce already used", "nonce");

        Assert.Equal(1, await system.CountEventsAsync("appeal_filed", id));
        Assert.Equal(0, await system.CountEventsAsync("appeal_filed", other));
        Assert.Equal(otherEvents, await HistoryCountAsync());
        Assert.True(otherEvents >= events);
    }

    [Fact]
    public async Task An_appeal_before_the_score_or_after_the_appeal_window_is_refused()
    {
        // Still under review: three commitments awaited.
        foreach (var key in Validators)
            Assert.True((await system.RegisterAsync(key)).StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        var open = ScoringSystem.Submission(Contributor, "Under review: harbour crane lifting limits, recorded by the port authority.");
        await system.PublishAsync(open);
        await ReviewersAsync(open.ContributionId);
        await AssertProblemAsync(await AppealAsync(Contributor, open.ContributionId, "Too early."), HttpStatusCode.Conflict, "Not scored yet", "contributionId");

        // Late: a replica whose appeal window is a second long, once the second has passed.
        var (id, _) = await ScoredAsync("Late appeal: ferry timetables of the northern isles with their winter changes noted.", 30);
        var scoredAt = (await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}")).GetProperty("scored").GetProperty("scoredAt").GetDateTimeOffset();
        await using var strict = system.StartReplica(new Dictionary<string, string> { ["Scoring:AppealWindow"] = "00:00:01" });
        using var client = strict.CreateClient();
        await Eventually.MatchesAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > scoredAt + TimeSpan.FromSeconds(2), "the appeal window to pass");
        await AssertProblemAsync(await AppealAsync(Contributor, id, "Too late.", client: client), HttpStatusCode.Conflict, "Appeal window closed", "contributionId");
        Assert.Equal(0, await system.CountEventsAsync("appeal_filed", id));
        Assert.Equal(0, await system.CountEventsAsync("appeal_filed", open.ContributionId));
    }

    [Fact]
    public async Task Appeals_beyond_the_signers_allowance_are_refused_and_a_forger_uses_none_of_it()
    {
        await using var strict = system.StartReplica(new Dictionary<string, string> { ["Scoring:AppealsPerSigner"] = "2" });
        using var client = strict.CreateClient();
        var key = Nethereum.Signer.EthECKey.GenerateKey();
        var victim = key.GetPublicAddress();
        var unknown = Hex.Encode(new byte[32]);

        // Forged under the victim's address: refused at the signature, the victim's allowance untouched.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignedAsync(client, victim, unknown, AnvilNode.DevPrivateKeys[Stranger])).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SignedAsync(client, victim, unknown, Hex.Encode(key.GetPrivateKeyAsBytes()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SignedAsync(client, victim, unknown, Hex.Encode(key.GetPrivateKeyAsBytes()))).StatusCode);
        await AssertProblemAsync(await SignedAsync(client, victim, unknown, Hex.Encode(key.GetPrivateKeyAsBytes())), HttpStatusCode.TooManyRequests, "Too many appeals", "signature");
    }

    private Task<HttpResponseMessage> SignedAsync(HttpClient client, string appellant, string id, string privateKey)
    {
        var payload = new AppealPayload(appellant, id, "Quota.", Nonce(), Deadline());
        return client.PostAsJsonAsync("/api/appeals", Body(payload, TypedDataSigner.Sign(payload, TestChain.Domain, privateKey)));
    }

    /// <summary>A contribution scored by its three first-round reviewers at about <paramref name="score"/>; returns its id and their keys.</summary>
    private async Task<(string Id, int[] Reviewers)> ScoredAsync(string text, int score)
    {
        foreach (var key in Validators)
            Assert.True((await system.RegisterAsync(key)).StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        var submitted = ScoringSystem.Submission(Contributor, text);
        await system.PublishAsync(submitted);
        var reviewers = await ReviewersAsync(submitted.ContributionId);
        foreach (var key in reviewers)
            Assert.Equal(HttpStatusCode.Created, (await system.ReviewAsync(key, submitted.ContributionId, score + key % 3, nonce: Nonce())).StatusCode);
        var scored = await system.ScoredAsync(submitted.ContributionId, Patience);
        Assert.Null(scored.Fallback);
        return (submitted.ContributionId, reviewers);
    }

    private async Task<int[]> ReviewersAsync(string id) => [.. await Eventually.MatchesAsync(async () =>
    {
        var response = await system.Api.GetAsync($"/api/scoring/{id}");
        if (!response.IsSuccessStatusCode)
            return [];
        var @case = await response.Content.ReadFromJsonAsync<JsonElement>();
        return @case.GetProperty("assignment") is { ValueKind: JsonValueKind.Object } assignment
            ? assignment.GetProperty("reviewers").EnumerateArray().Select(r => Key(r.GetProperty("validator").GetString()!)).ToList()
            : [];
    }, found => found.Count == 3, $"three reviewers of {id}")];

    private Task<HttpResponseMessage> AppealAsync(int key, string id, string reason, ulong? nonce = null, ulong? deadline = null,
        int? signingKey = null, SigningDomain? domain = null, HttpClient? client = null)
    {
        var payload = new AppealPayload(Anvil(key), id, reason, nonce ?? Nonce(), deadline ?? Deadline());
        // An id that cannot be encoded cannot be signed either: any signature will do for the shape check.
        var signature = Hex.TryDecode(id, out _, 32)
            ? TypedDataSigner.Sign(payload, domain ?? TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? key])
            : "0x" + new string('1', 130);
        return (client ?? system.Api).PostAsJsonAsync("/api/appeals", Body(payload, signature));
    }

    private static object Body(AppealPayload payload, string signature) =>
        new { payload.Appellant, payload.ContributionId, payload.Reason, payload.Nonce, payload.Deadline, signature };

    private Task<HttpResponseMessage> PostAsync(object body) => system.Api.PostAsJsonAsync("/api/appeals", body);

    private async Task<string> ScalarTextAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<JsonElement> DecidedAsync(string id)
    {
        var data = await Eventually.MatchesAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(system.History);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT data::text FROM history.mt_events WHERE type = 'appeal_decided' AND data->>'contributionId' = @id", connection);
            command.Parameters.AddWithValue("id", id);
            return await command.ExecuteScalarAsync() as string;
        }, d => d is not null, $"the appeal of {id} decided", Patience);
        return JsonDocument.Parse(data!).RootElement.Clone();
    }

    private async Task<long> AppealMovesAsync(int key, string id, bool anyAgreement = false)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM history.mt_events WHERE type = 'reputation_changed' AND lower(data->>'validator') = lower(@validator)
              AND data->>'contributionId' = @id AND data->>'reason' = 'appeal' AND (@any OR (data->>'agreement')::numeric = 0)
            """, connection);
        command.Parameters.AddWithValue("any", anyAgreement);
        command.Parameters.AddWithValue("validator", Anvil(key));
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<Dictionary<int, decimal>> ReputationsAsync(IEnumerable<int> keys)
    {
        var found = new Dictionary<int, decimal>();
        foreach (var key in keys)
            found[key] = (await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{Anvil(key)}")).GetProperty("reputation").GetDecimal();
        return found;
    }

    /// <summary>Raises the recorded final score of the appeal by one; returns the decision's log index (its place in the history).</summary>
    private async Task<long> TamperAsync(string id)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            UPDATE history.mt_events SET data = jsonb_set(data, '{finalScore}', to_jsonb((data->>'finalScore')::int + 1))
            WHERE type = 'appeal_decided' AND data->>'contributionId' = @id
            RETURNING (SELECT count(*) FROM history.mt_events e WHERE e.seq_id < history.mt_events.seq_id)
            """, connection);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<(int Exit, string Output, JsonElement Section)> ReplayAsync(Func<JsonElement, JsonElement> section, string id, bool waitForRounds = true)
    {
        // The panel's round must be revealed before anyone (the auditor included) can recompute its draw.
        (int, string, JsonElement) last = default;
        await Eventually.MatchesAsync(async () =>
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await AuditApp.RunAsync(["replay", "--database", system.History, "--json"], output, error);
            var json = JsonDocument.Parse(output.ToString()).RootElement.Clone();
            last = (exit, output + error.ToString(), section(json));
            return last.Item3.GetProperty("pending").GetInt32();
        }, pending => !waitForRounds || pending == 0, $"the round of {id}'s appeal revealed", TimeSpan.FromSeconds(60));
        return last;
    }

    private async Task<long> HistoryCountAsync()
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM history.mt_events WHERE stream_id LIKE 'scoring/0x%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static ulong Nonce() => (ulong)Interlocked.Increment(ref _nonce);

    private static ulong Deadline() => (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();

    private static string Anvil(int key) => AnvilNode.DevAddresses[key];

    private static int Key(string address) => Validators.Single(k => string.Equals(Anvil(k), address, StringComparison.OrdinalIgnoreCase));

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    private static async Task AssertValidationAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
    }
}

/// <summary>A system whose contributor may appeal as often as the tests above need (the allowance is tested on a replica of its own).</summary>
public sealed class AppealSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Scoring:AppealsPerSigner"] = "100" };
}
