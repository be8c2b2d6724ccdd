using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// A contributor appeals their own contribution's score: a second round of fresh validators, drawn from the seed round in
/// progress, decides the final score; the first round's reviewers are measured against it; the auditors' replay recomputes
/// the draw and the decision and names a tampered one. A first-round reviewer that revealed may appeal too (the one an
/// inflated consensus clipped, above all); any other validator may not. Every refusal changes nothing.
/// </summary>
public sealed class AppealTests(AppealSystem system) : AppealScenario(system), IClassFixture<AppealSystem>
{
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
            Assert.Equal(HttpStatusCode.Created, (await Scoring.ReviewAsync(key, id, 80 + key % 3, nonce: Nonce())).StatusCode);
        var during = await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
        Assert.Equal(0, during.GetProperty("reviews").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, during.GetProperty("scored").ValueKind);
        Assert.Equal(first.Length, during.GetProperty("first").GetProperty("reviews").GetArrayLength());
        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_decided", id));
        // A first-round reviewer cannot review again.
        Assert.Equal(HttpStatusCode.Forbidden, (await Scoring.CommitAsync(first[0], id, 20, nonce: Nonce())).StatusCode);

        var last = await Scoring.ReviewAsync(panel[4], id, 82, nonce: Nonce());
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
        var after = await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
        Assert.Equal(expected, after.GetProperty("scored").GetProperty("score").GetInt32());
        Assert.Equal(decided.GetProperty("firstScore").GetInt32(), after.GetProperty("first").GetProperty("scored").GetProperty("score").GetInt32());
        // One ContributionScored only: the first score was credited once; the decision is its own fact.
        Assert.Equal(1, await Scoring.CountEventsAsync("contribution_scored", id));
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
            Assert.Equal(HttpStatusCode.Created, (await Scoring.ReviewAsync(key, id, 95, nonce: Nonce())).StatusCode);

        var decided = await DecidedAsync(id);
        Assert.Equal("no-quorum", decided.GetProperty("outcome").GetString());
        Assert.Equal(decided.GetProperty("firstScore").GetInt32(), decided.GetProperty("finalScore").GetInt32());
        var after = await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
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
        await AssertProblemAsync(await AppealAsync(Stranger, id, reason), HttpStatusCode.Forbidden, "Not on the case", "appellant");
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

        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_filed", id));
        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_reviewers_assigned", id));
        var @case = await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
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

        Assert.Equal(1, await Scoring.CountEventsAsync("appeal_filed", id));
        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_filed", other));
        Assert.Equal(otherEvents, await HistoryCountAsync());
        Assert.True(otherEvents >= events);
    }

    [Fact]
    public async Task An_appeal_before_the_score_or_after_the_appeal_window_is_refused()
    {
        // Still under review: three commitments awaited.
        foreach (var key in Validators)
            Assert.True((await Scoring.RegisterAsync(key)).StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        var open = ScoringSystem.Submission(Contributor, "Under review: harbour crane lifting limits, recorded by the port authority.");
        await Scoring.PublishAsync(open);
        await ReviewersAsync(open.ContributionId);
        await AssertProblemAsync(await AppealAsync(Contributor, open.ContributionId, "Too early."), HttpStatusCode.Conflict, "Not scored yet", "contributionId");

        // Late: a replica whose appeal window is a second long, once the second has passed.
        var (id, _) = await ScoredAsync("Late appeal: ferry timetables of the northern isles with their winter changes noted.", 30);
        var scoredAt = (await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}")).GetProperty("scored").GetProperty("scoredAt").GetDateTimeOffset();
        await using var strict = Scoring.StartReplica(new Dictionary<string, string> { ["Scoring:AppealWindow"] = "00:00:01" });
        using var client = strict.CreateClient();
        await Eventually.MatchesAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > scoredAt + TimeSpan.FromSeconds(2), "the appeal window to pass");
        await AssertProblemAsync(await AppealAsync(Contributor, id, "Too late.", client: client), HttpStatusCode.Conflict, "Appeal window closed", "contributionId");
        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_filed", id));
        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_filed", open.ContributionId));
    }

    [Fact]
    public async Task A_first_round_reviewer_clipped_by_the_consensus_appeals_and_a_fresh_panel_decides()
    {
        // Two reviewers score 90, one 15: whichever side the reputation-weighted median takes, the other side is clipped.
        var (id, first) = await ScoredAsync("Clipped: tide times of the outer harbour, every date shifted by a day.", (place, _) => place < 2 ? 90 : 15);
        var firstRound = await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
        var reviews = firstRound.GetProperty("scored").GetProperty("reviews").EnumerateArray()
            .Select(r => (Key: Key(r.GetProperty("validator").GetString()!), Score: r.GetProperty("score").GetInt32(), Clipped: r.GetProperty("clipped").GetBoolean())).ToList();
        var clipped = reviews.First(r => r.Clipped);
        var consensusMakers = reviews.Where(r => !r.Clipped).Select(r => r.Key).ToList();
        var before = await ReputationsAsync(first);

        var filed = await AppealAsync(clipped.Key, id, "The consensus is not what this contribution is worth; my review was clipped for saying so.");
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var panel = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reviewers").EnumerateArray().Select(r => Key(r.GetString()!)).ToList();
        // Neither the appellant nor anyone else of the first round sits on the panel.
        Assert.Equal(Validators.Except(first).Order(), panel.Order());
        var appeal = (await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}")).GetProperty("appeal");
        Assert.Equal(Anvil(clipped.Key), appeal.GetProperty("appellant").GetString());
        Assert.Equal("reviewer", appeal.GetProperty("appellantRole").GetString());

        // The panel sees what the clipped reviewer saw.
        foreach (var key in panel)
            Assert.Equal(HttpStatusCode.Created, (await Scoring.ReviewAsync(key, id, clipped.Score + key % 2, nonce: Nonce())).StatusCode);
        var decided = await DecidedAsync(id);
        Assert.Equal("changed", decided.GetProperty("outcome").GetString());
        Assert.InRange(decided.GetProperty("components").GetProperty("consensusScore").GetInt32(), clipped.Score, clipped.Score + 1);
        Assert.NotEqual(decided.GetProperty("firstScore").GetInt32(), decided.GetProperty("finalScore").GetInt32());

        // Measured against the panel: the consensus the first round made loses, the clipped reviewer gains.
        var after = await ReputationsAsync(first);
        foreach (var key in consensusMakers)
        {
            Assert.Equal(1, await AppealMovesAsync(key, id));
            Assert.True(after[key] < before[key], $"validator {key}: {before[key]} → {after[key]}");
        }
        Assert.True(after[clipped.Key] > before[clipped.Key], $"appellant {clipped.Key}: {before[clipped.Key]} → {after[clipped.Key]}");

        var replay = await ReplayAsync(r => r.GetProperty("appeals"), id);
        Assert.True(replay.Exit == 0, replay.Output);
    }

    [Fact]
    public async Task A_validator_not_on_the_case_or_a_reviewer_that_never_revealed_may_not_appeal_and_nothing_is_recorded()
    {
        // The third reviewer commits and never reveals; the other two make the quorum when the reveal window closes.
        var (id, first) = await ScoredAsync("Standing: pilotage distances between the estuary buoys, measured at slack water.",
            (place, key) => place == 2 ? null : 40 + key % 3);
        var outsider = Validators.Except(first).First();

        await AssertProblemAsync(await AppealAsync(outsider, id, "I did not review it, but I would have scored it higher."),
            HttpStatusCode.Forbidden, "Not on the case", "appellant");
        await AssertProblemAsync(await AppealAsync(first[2], id, "I never revealed, but I disagree."),
            HttpStatusCode.Forbidden, "No review revealed", "appellant");

        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_filed", id));
        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_reviewers_assigned", id));
        Assert.Equal(JsonValueKind.Null, (await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}")).GetProperty("appeal").ValueKind);
        // Nothing was spent: a reviewer that revealed may still appeal.
        Assert.Equal(HttpStatusCode.Created, (await AppealAsync(first[0], id, "The case deserves a second look.")).StatusCode);
    }

    [Fact]
    public async Task The_contributor_and_a_reviewer_appealing_one_case_at_once_get_exactly_one_appeal()
    {
        var (id, first) = await ScoredAsync("Raced: slipway gradients of the harbour's three boatyards, with their surfaces.", 55);

        var answers = await Task.WhenAll(AppealAsync(Contributor, id, "Mine to appeal."), AppealAsync(first[0], id, "Ours to appeal."));

        var accepted = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        await AssertProblemAsync(Assert.Single(answers, a => a.StatusCode != HttpStatusCode.Created), HttpStatusCode.Conflict, "Already appealed", "contributionId");
        Assert.Equal(1, await Scoring.CountEventsAsync("appeal_filed", id));
        Assert.Equal(1, await Scoring.CountEventsAsync("appeal_reviewers_assigned", id));
        var appeal = (await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}")).GetProperty("appeal");
        Assert.Equal(accepted == answers[0] ? "contributor" : "reviewer", appeal.GetProperty("appellantRole").GetString());
    }

    [Fact]
    public async Task Appeals_beyond_the_signers_allowance_are_refused_and_a_forger_uses_none_of_it()
    {
        await using var strict = Scoring.StartReplica(new Dictionary<string, string> { ["Scoring:AppealsPerSigner"] = "2" });
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

    private Task<string> ScalarTextAsync(string sql) => Scoring.SingleAsync<string>(sql);

    /// <summary>Raises the recorded final score of the appeal by one; returns the decision's log index (its place in the history).</summary>
    private Task<long> TamperAsync(string id) => Scoring.SingleAsync<long>("""
        UPDATE history.mt_events SET data = jsonb_set(data, '{finalScore}', to_jsonb((data->>'finalScore')::int + 1))
        WHERE type = 'appeal_decided' AND data->>'contributionId' = @id
        RETURNING (SELECT count(*) FROM history.mt_events e WHERE e.seq_id < history.mt_events.seq_id)
        """, ("id", id));

    private Task<long> HistoryCountAsync() => Scoring.ScalarAsync<long>("SELECT count(*) FROM history.mt_events WHERE stream_id LIKE 'scoring/0x%'");
}

/// <summary>A system whose contributor may appeal as often as the tests above need (the allowance is tested on a replica of its own).</summary>
public sealed class AppealSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Scoring:AppealsPerSigner"] = "100" };
}
