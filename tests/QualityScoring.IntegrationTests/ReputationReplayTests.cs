using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// The auditors' replay recomputes every reputation change the real service recorded, through a first round with a
/// careless reviewer, a commitment never revealed and an appeal; then it names each reputation edited in the database.
/// </summary>
public sealed class ReputationReplayTests(ReputationSystem system) : AppealScenario(system), IClassFixture<ReputationSystem>
{
    [Fact]
    public async Task Every_reputation_change_is_recomputed_and_an_edited_one_is_named()
    {
        // Place 2 is careless (60 points from the others); then a case whose third reviewer never reveals; the first is appealed.
        var (careless, first) = await ScoredAsync("Reputation: a checked list of forty bird calls with the months they are heard.",
            (place, key) => place == 2 ? 95 : 35 + key % 3);
        var (silent, _) = await ScoredAsync("Reputation: street names of an old harbour town with their origins, sourced.",
            (place, key) => place == 2 ? null : 60 + key % 3);
        var filed = await AppealAsync(Contributor, careless, "The two low scores missed the sources attached to every call.");
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var panel = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reviewers").EnumerateArray().Select(r => Key(r.GetString()!)).ToList();
        foreach (var key in panel)
            Assert.Equal(HttpStatusCode.Created, (await Scoring.ReviewAsync(key, careless, 90 + key % 3, nonce: Nonce())).StatusCode);
        await DecidedAsync(careless);

        var honest = await ReplayAsync(r => r.GetProperty("appeals"), careless);
        Assert.True(honest.Exit == 0, honest.Output);
        var (exit, replayed) = await ReplayJsonAsync();
        Assert.Equal(0, exit);
        var reputation = replayed.GetProperty("reputation");
        // Three for each first round (the silent reviewer's penalty included), five panel members, three first-round
        // reviewers measured against the appeal.
        Assert.Equal(3 + 3 + panel.Count + 3, reputation.GetProperty("changes").GetInt32());
        Assert.Empty(reputation.GetProperty("findings").EnumerateArray());

        // The careless reviewer's agreement raised to 1, its next reputation following the rule from it.
        var carelessReviewer = Anvil(first[2]);
        await ExecuteAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(jsonb_set(data, '{agreement}', '1'), '{next}',
                to_jsonb(round((data->>'previous')::numeric * (1 - p.rate) + p.rate, 6)))
            FROM (SELECT (data->>'reputationRate')::numeric AS rate FROM history.mt_events WHERE type = 'scoring_policy_published' ORDER BY seq_id DESC LIMIT 1) p
            WHERE type = 'reputation_changed' AND data->>'validator' = '{{carelessReviewer}}' AND data->>'contributionId' = '{{careless}}'
              AND data->>'reason' IS NULL
            """);
        Assert.Contains(await FindingsAsync(), f => f.What == "agreement" && f.Detail.Contains($"{carelessReviewer.ToLowerInvariant()} on contribution {careless}", StringComparison.Ordinal));

        // The silent reviewer's penalty deleted: its reputation never moved for the case, and its next move starts elsewhere.
        await ExecuteAsync($"""
            DELETE FROM history.mt_events WHERE type = 'reputation_changed' AND data->>'contributionId' = '{silent}' AND data->>'reason' = 'unrevealed'
            """);
        Assert.Contains(await FindingsAsync(), f => f.What == "reputation not moved" && f.Detail.Contains($"contribution {silent}, never revealed it", StringComparison.Ordinal));

        // A reviewer weighted in a consensus with a reputation it never had.
        await ExecuteAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{reviewers,0,reputation}', '0.987654')
            WHERE type = 'reviewers_assigned' AND data->>'contributionId' = '{{silent}}'
            """);
        Assert.Contains(await FindingsAsync(), f => f.What == "reputation at assignment" && f.Detail.Contains("weighted 0.987654", StringComparison.Ordinal));
    }

    private async Task<List<(string What, string Detail)>> FindingsAsync()
    {
        var (exit, replayed) = await ReplayJsonAsync();
        Assert.Equal(1, exit);
        return replayed.GetProperty("reputation").GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("what").GetString()!, f.GetProperty("detail").GetString()!)).ToList();
    }

    private async Task<(int Exit, JsonElement Json)> ReplayJsonAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AuditApp.RunAsync(["replay", "--database", Scoring.History, "--json"], output, error);
        return (exit, JsonDocument.Parse(output.ToString()).RootElement.Clone());
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Scoring.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.True(await command.ExecuteNonQueryAsync() > 0, $"nothing changed by: {sql}");
    }
}

/// <summary>A system of its own, so the edits to its history reach no other class.</summary>
public sealed class ReputationSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Scoring:AppealsPerSigner"] = "100" };
}
