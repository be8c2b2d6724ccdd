using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// What the appeal tests do on a scoring system: score a contribution through its real first round, file signed appeals,
/// wait for decisions and read what the history recorded. Key 1 contributes; keys 2–9 validate; key 0 is a stranger.
/// </summary>
public abstract class AppealScenario(ScoringSystem scoring)
{
    protected const int Contributor = 1;
    protected const int Stranger = 0;
    protected static readonly int[] Validators = [2, 3, 4, 5, 6, 7, 8, 9];
    protected static readonly TimeSpan Patience = ScoringSystem.ReviewWindow + TimeSpan.FromSeconds(45);
    private static long _nonce = 7_000;

    protected ScoringSystem Scoring { get; } = scoring;

    /// <summary>The contributions <see cref="ScoredAsync(string, Func{int, int, int?})"/> submitted, by id, to publish again.</summary>
    protected System.Collections.Concurrent.ConcurrentDictionary<string, ContributionSubmitted> Submitted { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A contribution scored by its three first-round reviewers at about <paramref name="score"/>; returns its id and their keys.</summary>
    protected Task<(string Id, int[] Reviewers)> ScoredAsync(string text, int score) => ScoredAsync(text, (_, key) => score + key % 3);

    /// <summary>
    /// A contribution scored through its first round, each reviewer (its place among the three, its key) reviewing with the
    /// score <paramref name="scoreOf"/> gives, or, for null, committing and never revealing (the case then closes when its
    /// reveal window does). Returns its id and the reviewers' keys in their place order.
    /// </summary>
    protected async Task<(string Id, int[] Reviewers)> ScoredAsync(string text, Func<int, int, int?> scoreOf)
    {
        foreach (var key in Validators)
        {
            using var registered = await Scoring.RegisterAsync(key);
            Assert.True(registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict,
                $"registering validator {key}: {registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
        }
        var submitted = ScoringSystem.Submission(Contributor, text);
        Submitted[submitted.ContributionId] = submitted;
        await Scoring.PublishAsync(submitted);
        var reviewers = await ReviewersAsync(submitted.ContributionId);
        for (var place = 0; place < reviewers.Length; place++)
        {
            var key = reviewers[place];
            var sent = scoreOf(place, key) is { } score
                ? await Scoring.ReviewAsync(key, submitted.ContributionId, score, nonce: Nonce())
                : await Scoring.CommitAsync(key, submitted.ContributionId, 50, nonce: Nonce());
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }
        var scored = await Scoring.ScoredAsync(submitted.ContributionId, Patience);
        Assert.Null(scored.Fallback);
        return (submitted.ContributionId, reviewers);
    }

    protected async Task<int[]> ReviewersAsync(string id) => [.. await Eventually.MatchesAsync(async () =>
    {
        var response = await Scoring.Api.GetAsync($"/api/scoring/{id}");
        if (!response.IsSuccessStatusCode)
            return [];
        var @case = await response.Content.ReadFromJsonAsync<JsonElement>();
        return @case.GetProperty("assignment") is { ValueKind: JsonValueKind.Object } assignment
            ? assignment.GetProperty("reviewers").EnumerateArray().Select(r => Key(r.GetProperty("validator").GetString()!)).ToList()
            : [];
    }, found => found.Count == 3, $"three reviewers of {id}")];

    protected Task<HttpResponseMessage> AppealAsync(int key, string id, string reason, ulong? nonce = null, ulong? deadline = null,
        int? signingKey = null, SigningDomain? domain = null, HttpClient? client = null)
    {
        var payload = new AppealPayload(Anvil(key), id, reason, nonce ?? Nonce(), deadline ?? Deadline());
        // An id that cannot be encoded cannot be signed either: any signature will do for the shape check.
        var signature = Hex.TryDecode(id, out _, 32)
            ? TypedDataSigner.Sign(payload, domain ?? TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? key])
            : "0x" + new string('1', 130);
        return (client ?? Scoring.Api).PostAsJsonAsync("/api/appeals", Body(payload, signature));
    }

    protected static object Body(AppealPayload payload, string signature) =>
        new { payload.Appellant, payload.ContributionId, payload.Reason, payload.Nonce, payload.Deadline, signature };

    protected Task<HttpResponseMessage> PostAsync(object body) => Scoring.Api.PostAsJsonAsync("/api/appeals", body);

    protected async Task<JsonElement> DecidedAsync(string id)
    {
        var data = await Eventually.MatchesAsync(
            () => Scoring.ScalarAsync<string>("SELECT data::text FROM history.mt_events WHERE type = 'appeal_decided' AND data->>'contributionId' = @id", ("id", id)),
            d => d is not null, $"the appeal of {id} decided", Patience);
        return JsonDocument.Parse(data!).RootElement.Clone();
    }

    protected Task<long> AppealMovesAsync(int key, string id, bool anyAgreement = false, string reason = "appeal") =>
        Scoring.ScalarAsync<long>("""
            SELECT count(*) FROM history.mt_events WHERE type = 'reputation_changed' AND lower(data->>'validator') = lower(@validator)
              AND data->>'contributionId' = @id AND data->>'reason' = @reason AND (@any OR (data->>'agreement')::numeric = 0)
            """, ("any", anyAgreement), ("reason", reason), ("validator", Anvil(key)), ("id", id));

    protected async Task<Dictionary<int, decimal>> ReputationsAsync(IEnumerable<int> keys)
    {
        var found = new Dictionary<int, decimal>();
        foreach (var key in keys)
            found[key] = (await Scoring.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{Anvil(key)}")).GetProperty("reputation").GetDecimal();
        return found;
    }

    protected async Task<(int Exit, string Output, JsonElement Section)> ReplayAsync(Func<JsonElement, JsonElement> section, string id, bool waitForRounds = true)
    {
        // The panel's round must be revealed before anyone (the auditor included) can recompute its draw.
        (int, string, JsonElement) last = default;
        await Eventually.MatchesAsync(async () =>
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await AuditApp.RunAsync(["replay", "--database", Scoring.History, "--json"], output, error);
            var json = JsonDocument.Parse(output.ToString()).RootElement.Clone();
            last = (exit, output + error.ToString(), section(json));
            // Panels and audit draws alike wait for their round's secret.
            return last.Item3.GetProperty("pending").GetInt32()
                + (last.Item3.TryGetProperty("auditsPending", out var audits) ? audits.GetInt32() : 0);
        }, pending => !waitForRounds || pending == 0, $"the round of {id}'s appeal revealed", TimeSpan.FromSeconds(60));
        return last;
    }

    /// <summary>The log index of the first event of a type about a contribution (the events before it in the store's order).</summary>
    protected Task<long> IndexOfAsync(string type, string id) => Scoring.ScalarAsync<long>("""
        SELECT count(*) FROM history.mt_events e WHERE e.seq_id <
          (SELECT min(seq_id) FROM history.mt_events WHERE type = @type AND data->>'contributionId' = @id)
        """, ("type", type), ("id", id));

    protected Task<long> AuditsAsync(string id) => Scoring.ScalarAsync<long>(
        "SELECT count(*) FROM history.mt_events WHERE type = 'appeal_filed' AND data->>'contributionId' = @id AND data->>'appellantRole' = 'audit'", ("id", id));

    protected async Task<JsonElement> EventAsync(string type, string id) =>
        await EventOrNullAsync(type, id) ?? throw new Xunit.Sdk.XunitException($"no {type} for {id}");

    protected async Task<JsonElement?> EventOrNullAsync(string type, string id) =>
        await Scoring.ScalarAsync<string>(
            "SELECT data::text FROM history.mt_events WHERE type = @type AND lower(data->>'contributionId') = lower(@id) ORDER BY seq_id LIMIT 1",
            ("type", type), ("id", id)) is { } data ? JsonDocument.Parse(data).RootElement.Clone() : null;
    protected static ulong Nonce() => (ulong)Interlocked.Increment(ref _nonce);

    protected static ulong Deadline() => (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();

    protected static string Anvil(int key) => AnvilNode.DevAddresses[key];

    protected static int Key(string address) => Validators.Single(k => string.Equals(Anvil(k), address, StringComparison.OrdinalIgnoreCase));

    protected static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    protected static async Task AssertValidationAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
    }
}
