using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// The draw's lean rule through the real path: a reviewer that scores one contributor's work 13–15 points above the others
/// (inside the clipping distance of 20, so never clipped, never appealed, and with no audit of any kind here) is, once it has
/// reviewed two of that contributor's cases, no longer a candidate for the contributor's next cases, while every other
/// validator still is and the leaner is still drawn for another contributor's work. The auditors' replay sums the leans
/// from the revealed reviews alone, finds the draws consistent, and names a leaner put back among a draw's candidates.
/// </summary>
public sealed class LeanExclusionTests(LeanExclusionSystem system) : AppealScenario(system), IClassFixture<LeanExclusionSystem>
{
    private const int Leaner = 2;

    [Fact]
    public async Task A_reviewer_favouring_a_contributor_is_no_longer_drawn_for_it_while_the_others_are_and_the_replay_agrees()
    {
        // Each lean lowers the leaner's reputation while the others' rises, so its draws thin out: it takes six cases on
        // average, and a bound of 24 missed one run in about 190 (simulated); 60 misses about one in 200,000.
        var leaned = 0;
        for (var n = 0; n < 60 && leaned < 2; n++)
        {
            var (_, reviewers) = await ScoredAsync($"Favoured {n}: tide gauge {n} of the harbour survey, readings every ten minutes, {Guid.NewGuid()}.",
                (_, key) => key == Leaner ? 75 : 60 + key % 3);
            if (reviewers.Contains(Leaner))
                leaned++;
        }
        Assert.True(leaned == 2, $"validator {Leaner} reviewed {leaned} of the contributor's cases: the draw never gave it two");

        // The contributor's next cases: every registered validator but the leaner is a candidate, and the leaner never is.
        var others = Validators.Where(k => k != Leaner).Select(Anvil).Order(StringComparer.OrdinalIgnoreCase).ToList();
        string last = "";
        for (var n = 0; n < 4; n++)
        {
            var submitted = ScoringSystem.Submission(Contributor, $"After the lean {n}: tide gauge {n} of the second survey, {Guid.NewGuid()}.");
            await Scoring.PublishAsync(submitted);
            var reviewers = await ReviewersAsync(submitted.ContributionId);
            Assert.DoesNotContain(Leaner, reviewers);
            Assert.Equal(others, await CandidatesAsync(submitted.ContributionId));
            last = submitted.ContributionId;
        }

        // Another contributor's work: the leaner is a candidate as before.
        var elsewhere = ScoringSystem.Submission(Stranger, $"Another contributor's tide gauge, the third survey, {Guid.NewGuid()}.");
        await Scoring.PublishAsync(elsewhere);
        await ReviewersAsync(elsewhere.ContributionId);
        Assert.Contains(Anvil(Leaner), await CandidatesAsync(elsewhere.ContributionId), StringComparer.OrdinalIgnoreCase);

        // The replay sums the revealed reviews itself and finds every draw's candidates consistent with the rule.
        var clean = await ReplayAsync(r => r.GetProperty("assignments"), last);
        Assert.True(clean.Exit == 0, clean.Output);
        Assert.True(clean.Section.GetProperty("leanChecked").GetInt32() >= 5, clean.Output);
        Assert.Empty(clean.Section.GetProperty("findings").EnumerateArray());

        // The leaner put back among the candidates of the contributor's last draw is named at that assignment.
        await using (var connection = new NpgsqlConnection(Scoring.History))
        {
            await connection.OpenAsync();
            await using var update = new NpgsqlCommand("""
                UPDATE history.mt_events SET data = jsonb_set(data, '{candidates}',
                    data->'candidates' || jsonb_build_array(jsonb_build_object('validator', @leaner::text, 'reputation', 0.5)))
                WHERE type = 'reviewers_assigned' AND data->>'contributionId' = @id
                """, connection);
            update.Parameters.AddWithValue("leaner", Anvil(Leaner));
            update.Parameters.AddWithValue("id", last);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }
        var tampered = await ReplayAsync(r => r.GetProperty("assignments"), last);
        Assert.Equal(1, tampered.Exit);
        var named = tampered.Section.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("what").GetString() == "leaning candidate").ToList();
        Assert.Equal([await IndexOfAsync("reviewers_assigned", last)], named.Select(f => f.GetProperty("index").GetInt64()));
        Assert.Contains(Anvil(Leaner), named[0].GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The candidates the contribution's first draw recorded, in address order.</summary>
    private async Task<List<string>> CandidatesAsync(string id) =>
        [.. (await EventAsync("reviewers_assigned", id)).GetProperty("candidates").EnumerateArray()
            .Select(c => c.GetProperty("validator").GetString()!).Order(StringComparer.OrdinalIgnoreCase)];
}

/// <summary>A system with no audits at all and the draw's lean rule at 10 points.</summary>
public sealed class LeanExclusionSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Scoring:AuditBasisPoints"] = "0",
        ["Scoring:LeanAuditPoints"] = "0",
        ["Scoring:LeanExclusionPoints"] = "10",
        // Windows long enough for a busy machine: a reviewer that misses the commit window is replaced, and the test with it.
        ["Scoring:CommitWindow"] = "00:01:00",
        ["Scoring:ReviewWindow"] = "00:02:00",
    };
}
