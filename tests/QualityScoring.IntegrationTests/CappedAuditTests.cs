using System.Globalization;
using System.Net;
using CommunityAI.Contracts;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Audit rounds under the per-validator cap, through the real path: three validators, one reviewer a case, a cap of one
/// case each per epoch, every case audited by a panel of one. An audit finds the one validator still under its cap; when
/// every validator outside the first round is at its cap, the audit round the rule calls for is recorded all the same with
/// an empty panel and decided at once short of its quorum, the first score standing, and the auditors' replay accepts
/// it. (Before, nothing was recorded, and the replay named a missing audit round: the first round's recorded candidates
/// held a validator who was under the cap then and at it by the close.)
/// </summary>
public sealed class CappedAuditTests(CappedAuditSystem system) : AppealScenario(system), IClassFixture<CappedAuditSystem>
{
    private static readonly int[] Trio = [4, 5, 6];

    [Fact]
    public async Task An_audit_finds_the_validator_under_its_cap_and_with_everyone_capped_it_ends_at_once_on_the_first_score()
    {
        foreach (var key in Trio)
            Assert.Equal(HttpStatusCode.Created, (await Scoring.RegisterAsync(key)).StatusCode);

        // Two cases taken in before either is reviewed: the first draws one of the three, the second one of the two left.
        var a = await TakeInAsync("Capped audit A: the north weir's flow, read at dawn and at dusk for a week.");
        var x = await ReviewerAsync(a);
        var b = await TakeInAsync("Capped audit B: the south weir's flow, read at noon for a week.");
        var y = await ReviewerAsync(b);
        Assert.NotEqual(x, y);
        var w = Trio.Single(k => k != x && k != y);

        // The first case closes: its audit's panel is the one validator still under its cap.
        Assert.Equal(HttpStatusCode.Created, (await Scoring.ReviewAsync(x, a, 60, nonce: Nonce())).StatusCode);
        await Scoring.ScoredAsync(a, Patience);
        var panelA = await EventAsync("appeal_reviewers_assigned", a);
        Assert.Equal([w], panelA.GetProperty("reviewers").EnumerateArray().Select(r => Key(r.GetProperty("validator").GetString()!)));

        // The second closes with everyone outside its first round at the cap: an audit round with nobody on its panel,
        // decided in the score's own transaction, short of its quorum, on the first score. Nothing waits for a reviewer.
        Assert.Equal(HttpStatusCode.Created, (await Scoring.ReviewAsync(y, b, 70, nonce: Nonce())).StatusCode);
        var scored = await Scoring.ScoredAsync(b, Patience);
        Assert.Null(scored.Fallback);
        var filed = await EventAsync("appeal_filed", b);
        Assert.Equal(AppealFiled.Audit, filed.GetProperty("appellantRole").GetString());
        var panelB = await EventAsync("appeal_reviewers_assigned", b);
        Assert.Equal(0, panelB.GetProperty("reviewers").GetArrayLength());
        Assert.Equal(0, panelB.GetProperty("candidates").GetArrayLength());
        var decided = await EventAsync("appeal_decided", b);
        Assert.Equal(AppealDecided.NoQuorum, decided.GetProperty("outcome").GetString());
        Assert.Equal(scored.Score, decided.GetProperty("finalScore").GetInt32());
        var stream = await StreamTypesAsync(b);
        Assert.Equal(["contribution_scored", "appeal_filed", "appeal_reviewers_assigned", "appeal_decided"], stream.SkipWhile(t => t != "contribution_scored"));

        // The auditors' replay: both audits the rule called for are in the history, the empty panel recomputes from its seed.
        var replay = await ReplayAsync(r => r.GetProperty("appeals"), b);
        Assert.True(replay.Exit == 0, replay.Output);
        Assert.Equal(2, replay.Section.GetProperty("audits").GetInt32());
        Assert.Empty(replay.Section.GetProperty("findings").EnumerateArray());
    }

    private async Task<string> TakeInAsync(string text)
    {
        var submitted = ScoringSystem.Submission(Contributor, text + " " + Guid.NewGuid());
        Submitted[submitted.ContributionId] = submitted;
        await Scoring.PublishAsync(submitted);
        return submitted.ContributionId;
    }

    private async Task<int> ReviewerAsync(string id)
    {
        var assigned = await Eventually.MatchesAsync(() => EventOrNullAsync("reviewers_assigned", id), e => e is not null,
            $"a reviewer for {id}", TimeSpan.FromSeconds(20));
        return Key(assigned!.Value.GetProperty("reviewers").EnumerateArray().Single().GetProperty("validator").GetString()!);
    }

    private async Task<List<string>> StreamTypesAsync(string id)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Scoring.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT type FROM history.mt_events WHERE stream_id = 'scoring/' || @id ORDER BY seq_id", connection);
        command.Parameters.AddWithValue("id", id);
        List<string> types = [];
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            types.Add(reader.GetString(0));
        return types;
    }
}

/// <summary>One reviewer a case, a panel of one, a cap of one case per validator per epoch (epochs of an hour), every case audited.</summary>
public sealed class CappedAuditSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Scoring:ReviewersPerContribution"] = "1",
        ["Scoring:Quorum"] = "1",
        ["Scoring:AppealReviewers"] = "1",
        ["Scoring:ReassignmentRounds"] = "0",
        ["Scoring:MaxReviewsPerValidatorPerEpoch"] = "1",
        ["Scoring:AuditBasisPoints"] = "10000",
        // Windows long enough for a busy machine: a reviewer that misses the commit window is replaced, and the test with it.
        ["Scoring:CommitWindow"] = "00:01:00",
        ["Scoring:ReviewWindow"] = "00:02:00",
        ["Epochs:Genesis"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["Epochs:Length"] = TimeSpan.FromHours(1).ToString(),
    };
}
