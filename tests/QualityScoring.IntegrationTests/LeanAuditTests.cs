using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Audits targeted at a reviewer's lean, through the real path: a reviewer that scores one contributor's work 13–15 points
/// above the others (inside the clipping distance of 20, so never clipped and never appealed) gets the contributor's
/// second case it reviews audited, with no random draw at all (audit share 0); its first case, and every case it did not
/// review, are not. The auditors' replay recomputes the lean from the revealed reviews alone, and names the targeted audit
/// round taken out of the history.
/// </summary>
public sealed class LeanAuditTests(LeanAuditSystem system) : AppealScenario(system), IClassFixture<LeanAuditSystem>
{
    private const int Leaner = 2;

    [Fact]
    public async Task A_reviewer_leaning_toward_a_contributor_gets_its_second_case_audited_and_the_replay_recomputes_why()
    {
        // Each lean lowers the leaner's reputation while the others' rises, so its draws thin out: it takes six cases on
        // average, and a bound of 24 missed one run in about 190 (simulated); 60 misses about one in 200,000.
        List<string> leaned = [], plain = [];
        for (var n = 0; n < 60 && leaned.Count < 2; n++)
        {
            var (id, reviewers) = await ScoredAsync($"Lean {n}: gauge {n} of the estuary survey, salinity every hour, {Guid.NewGuid()}.",
                (_, key) => key == Leaner ? 75 : 60 + key % 3);
            (reviewers.Contains(Leaner) ? leaned : plain).Add(id);
        }
        Assert.True(leaned.Count == 2, $"validator {Leaner} reviewed {leaned.Count} of {leaned.Count + plain.Count} cases: the draw never gave it two");

        // One case is no lean, and nobody else leans: no audit round for any of those.
        Assert.Equal(0, await AuditsAsync(leaned[0]));
        foreach (var id in plain)
            Assert.Equal(0, await AuditsAsync(id));

        // The second case it reviewed is audited: role audit, reason lean, the audit's id and panel rule, fresh validators.
        var target = leaned[1];
        Assert.Equal(1, await AuditsAsync(target));
        var filed = await EventAsync("appeal_filed", target);
        Assert.Equal(LeanAudit.Reason, filed.GetProperty("reason").GetString());
        Assert.Equal(AppealFiled.Audit, filed.GetProperty("appellantRole").GetString());
        Assert.Equal(AuditDraw.AppealIdFor(target), filed.GetProperty("appealId").GetString());
        var first = (await EventAsync("reviewers_assigned", target)).GetProperty("reviewers").EnumerateArray()
            .Select(r => r.GetProperty("validator").GetString()!).ToList();
        var panel = (await EventAsync("appeal_reviewers_assigned", target)).GetProperty("reviewers").EnumerateArray()
            .Select(r => r.GetProperty("validator").GetString()!).ToList();
        Assert.NotEmpty(panel);
        Assert.Empty(panel.Intersect(first, StringComparer.OrdinalIgnoreCase));
        // Never clipped: nothing but the lean brought the case to a panel.
        var scored = await EventAsync("contribution_scored", target);
        Assert.All(scored.GetProperty("reviews").EnumerateArray(), r => Assert.False(r.GetProperty("clipped").GetBoolean()));

        // The replay sums the revealed reviews itself and finds the history as recorded consistent.
        var clean = await ReplayAsync(r => r.GetProperty("appeals"), target);
        Assert.True(clean.Exit == 0, clean.Output);
        Assert.True(clean.Section.GetProperty("audits").GetInt32() >= 1, clean.Output);

        // The targeted audit round taken out of the history is missed at its score's log index.
        await using (var connection = new NpgsqlConnection(Scoring.History))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand("""
                DELETE FROM history.mt_events WHERE type IN ('appeal_filed', 'appeal_reviewers_assigned', 'appeal_decided', 'review_committed', 'review_submitted')
                  AND data->>'contributionId' = @id AND seq_id > (SELECT seq_id FROM history.mt_events WHERE type = 'contribution_scored' AND data->>'contributionId' = @id)
                """, connection);
            delete.Parameters.AddWithValue("id", target);
            Assert.True(await delete.ExecuteNonQueryAsync() >= 2);
        }
        var removed = await ReplayAsync(r => r.GetProperty("appeals"), target);
        Assert.Equal(1, removed.Exit);
        var scoredAt = await IndexOfAsync("contribution_scored", target);
        var missing = removed.Section.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("what").GetString() == "missing audit round").ToList();
        Assert.Equal([scoredAt], missing.Select(f => f.GetProperty("index").GetInt64()));
        Assert.Contains("lean", missing[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>A system with no random audit draw and targeted audits at a lean of 10 points.</summary>
public sealed class LeanAuditSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Scoring:AuditBasisPoints"] = "0",
        ["Scoring:LeanAuditPoints"] = "10",
        // Windows long enough for a busy machine: a reviewer that misses the commit window is replaced, and the test with it.
        ["Scoring:CommitWindow"] = "00:01:00",
        ["Scoring:ReviewWindow"] = "00:02:00",
    };
}
