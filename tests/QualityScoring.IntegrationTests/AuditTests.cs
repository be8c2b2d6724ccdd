using System.Net;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Audit rounds through the real path: the policy audits half the consensus-scored cases here, drawn from the secret of the
/// assignment round in progress when the score was recorded (revealed only after). The test recomputes that draw on its own,
/// from the history, for every case it scores: a drawn case gets exactly one audit round (an unsigned appeal of role
/// <c>audit</c> and a panel drawn by the appeal's rule from the same seed), an undrawn one none; the panel decides it as any
/// appeal, the reward ledger settles it, and neither a redelivered contribution nor another replica opens a second. The
/// auditors' replay recomputes the draw and names an audit round added to the history or taken out of it.
/// </summary>
public sealed class AuditTests(AuditSystem system) : AppealScenario(system), IClassFixture<AuditSystem>
{
    private const int Share = 5_000;

    [Fact]
    public async Task A_drawn_case_gets_exactly_one_audit_round_an_undrawn_one_none_and_the_ledger_settles_it()
    {
        // Cases until the draw has picked one and passed one over (each is a coin toss; twenty all alike is 1 in 524,288).
        string? drawn = null, undrawn = null;
        int[] drawnFirst = [];
        for (var n = 0; n < 20 && (drawn is null || undrawn is null); n++)
        {
            var (id, first) = await ScoredAsync($"Audit draw {n}: station {n} of the river survey, depths every ten metres, {Guid.NewGuid()}.", 60);
            var (round, secret) = await CloseRoundAsync(id);
            var picked = AuditDraw.Drawn(secret, id, Share);
            Assert.Equal(picked ? 1 : 0, await AuditsAsync(id));
            if (picked && drawn is null)
                (drawn, drawnFirst) = (id, first);
            else if (!picked)
                undrawn ??= id;
            if (picked)
            {
                // The panel is the appeal's rule from the same seed: SHA-256(round secret ‖ audit id), the round the score's.
                var panel = await EventAsync("appeal_reviewers_assigned", id);
                Assert.Equal(round, panel.GetProperty("seedRound").GetInt64());
                Assert.Equal(Formats.Hex.Encode(AssignmentSeed.For(secret, AuditDraw.AppealIdFor(id))), panel.GetProperty("seed").GetString());
                var filed = await EventAsync("appeal_filed", id);
                Assert.Equal(AppealFiled.Audit, filed.GetProperty("appellantRole").GetString());
                Assert.Equal(AuditDraw.AppealIdFor(id), filed.GetProperty("appealId").GetString());
                Assert.Equal(AppealFiled.AuditAppellant, filed.GetProperty("appellant").GetString());
                Assert.Equal("", filed.GetProperty("signature").GetString());
            }
        }
        Assert.True(drawn is not null && undrawn is not null, "twelve cases, all drawn alike: the draw ignores its share");

        // Fresh validators only, as in any appeal: the five who did not review the first round.
        var reviewers = (await EventAsync("appeal_reviewers_assigned", drawn!)).GetProperty("reviewers").EnumerateArray()
            .Select(r => Key(r.GetProperty("validator").GetString()!)).ToList();
        Assert.Equal(Validators.Except(drawnFirst).Order(), reviewers.Order());
        // The audited case has had its second round: the contributor cannot start another.
        await AssertProblemAsync(await AppealAsync(Contributor, drawn!, "And once more, please."), HttpStatusCode.Conflict, "Already audited", "contributionId");

        // The panel scores the work well above the first round: the audit changes the score and re-clips the first round.
        foreach (var key in reviewers)
            Assert.Equal(HttpStatusCode.Created, (await Scoring.ReviewAsync(key, drawn!, 90 + key % 3, nonce: Nonce())).StatusCode);
        var decided = await DecidedAsync(drawn!);
        Assert.Equal("changed", decided.GetProperty("outcome").GetString());
        Assert.Equal(AuditDraw.AppealIdFor(drawn!), decided.GetProperty("appealId").GetString());
        var drawnSubmission = Submitted[drawn!];
        // Measured against the audit's consensus, with the audit's own reason: a validator's history tells it from an appeal.
        foreach (var key in drawnFirst)
        {
            Assert.Equal(1, await AppealMovesAsync(key, drawn!, anyAgreement: true, reason: AppealDecision.Audit));
            Assert.Equal(0, await AppealMovesAsync(key, drawn!, anyAgreement: true));
        }

        // The reward ledger settles it like any decided appeal: the contributor's credit and the case's pool at the final score.
        var system = (AuditSystem)Scoring;
        system.StartLedger();
        var settled = await Eventually.MatchesAsync(() => EventOrNullAsync("appeal_settled", drawn!), s => s is not null,
            $"the audit of {drawn} settled", TimeSpan.FromSeconds(90));
        Assert.Equal(AuditDraw.AppealIdFor(drawn!), settled!.Value.GetProperty("appealId").GetString());
        Assert.Equal(decided.GetProperty("finalScore").GetInt32(), settled.Value.GetProperty("finalScore").GetInt32());
        Assert.NotEqual("0", settled.Value.GetProperty("contributorDelta").GetString());
        var panelPaid = settled.Value.GetProperty("validators").EnumerateArray().Select(v => v.GetProperty("validator").GetString()!).ToList();
        Assert.All(reviewers, key => Assert.Contains(panelPaid, v => string.Equals(v, Anvil(key), StringComparison.OrdinalIgnoreCase)));

        // A redelivered contribution and a second replica (a restart) open no second audit round, nor decide it again.
        await Scoring.PublishAsync(drawnSubmission);
        await using var replica = Scoring.StartReplica();
        _ = replica.CreateClient();
        await ScoredAsync($"After the restart: one more station, {Guid.NewGuid()}.", 60);
        Assert.Equal(1, await AuditsAsync(drawn!));
        Assert.Equal(1, await Scoring.CountEventsAsync("appeal_reviewers_assigned", drawn!));
        Assert.Equal(1, await Scoring.CountEventsAsync("appeal_decided", drawn!));
        Assert.Equal(1, await Scoring.CountEventsAsync("contribution_scored", drawn!));
        Assert.Equal(0, await AuditsAsync(undrawn!));

        // The auditors' replay recomputes every draw from the revealed rounds: the history as recorded holds no difference.
        var clean = await ReplayAsync(r => r.GetProperty("appeals"), drawn!);
        Assert.True(clean.Exit == 0, clean.Output);
        Assert.True(clean.Section.GetProperty("audits").GetInt32() >= 1, clean.Output);

        // An audit round the draw did not pick, added to the history, is named at its log index.
        await Scoring.AppendAsync("scoring/" + undrawn, new AppealFiled(AuditDraw.AppealIdFor(undrawn!), undrawn!, AppealFiled.AuditAppellant,
            AppealFiled.Audit, "0", 0, "", (await EventAsync("contribution_scored", undrawn!)).GetProperty("score").GetInt32(), DateTimeOffset.UtcNow, AppealFiled.Audit));
        var added = await ReplayAsync(r => r.GetProperty("appeals"), undrawn!);
        Assert.Equal(1, added.Exit);
        var addedAt = await IndexOfAsync("appeal_filed", undrawn!);
        Assert.Contains(added.Section.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("index").GetInt64() == addedAt && f.GetProperty("what").GetString() == "audit round not drawn");

        // The drawn case's audit round, taken out of the history, is missed at its score's log index.
        await using (var connection = new NpgsqlConnection(Scoring.History))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand("""
                DELETE FROM history.mt_events WHERE type IN ('appeal_filed', 'appeal_reviewers_assigned', 'appeal_decided')
                  AND data->>'contributionId' = @id
                """, connection);
            delete.Parameters.AddWithValue("id", drawn!);
            Assert.Equal(3, await delete.ExecuteNonQueryAsync());
        }
        var removed = await ReplayAsync(r => r.GetProperty("appeals"), drawn!);
        Assert.Equal(1, removed.Exit);
        var scoredAt = await IndexOfAsync("contribution_scored", drawn!);
        var missing = removed.Section.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("what").GetString() == "missing audit round").ToList();
        Assert.Equal([scoredAt], missing.Select(f => f.GetProperty("index").GetInt64()));
    }

    /// <summary>
    /// The round the score was recorded in (the reveals before it) and that round's secret, once revealed: the draw's inputs
    /// as an auditor reads them from the history alone.
    /// </summary>
    private async Task<(long Round, string Secret)> CloseRoundAsync(string id)
    {
        await using var connection = new NpgsqlConnection(Scoring.History);
        await connection.OpenAsync();
        await using var roundOf = new NpgsqlCommand("""
            SELECT count(*) FROM history.mt_events r WHERE r.type = 'assignment_seed_revealed'
              AND r.seq_id < (SELECT s.seq_id FROM history.mt_events s WHERE s.type = 'contribution_scored' AND s.data->>'contributionId' = @id)
            """, connection);
        roundOf.Parameters.AddWithValue("id", id);
        var round = (long)(await roundOf.ExecuteScalarAsync())!;
        var secret = await Eventually.MatchesAsync(async () =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT data->>'secret' FROM history.mt_events WHERE type = 'assignment_seed_revealed' AND (data->>'round')::bigint = @round", connection);
            command.Parameters.AddWithValue("round", round);
            return await command.ExecuteScalarAsync() as string;
        }, s => s is not null, $"round {round} revealed", TimeSpan.FromSeconds(30));
        return (round, secret!);
    }

}

/// <summary>A system auditing half the consensus-scored cases, with the reward ledger started beside it on demand.</summary>
public sealed class AuditSystem : ScoringSystem
{
    private WebApplicationFactory<CreditWriter>? _ledger;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Scoring:AuditBasisPoints"] = "5000",
        ["Scoring:AppealsPerSigner"] = "100",
    };

    /// <summary>Starts the reward ledger on this system's database and broker, as its own service.</summary>
    public void StartLedger()
    {
        _ledger ??= new ServiceHost<CreditWriter>(new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = History,
            ["ConnectionStrings:rabbitmq"] = Broker,
            // A tenth of each case's reward goes to its validators, so the settlement has a pool to divide again.
            ["Rewards:Genesis:ValidatorShareBasisPoints"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _ = _ledger.CreateClient();
    }

    public override async Task DisposeAsync()
    {
        if (_ledger is not null)
            await _ledger.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// The other way a case closes: by the window closer's leader loop when a reviewer committed and never revealed. With every
/// case audited, that close opens the audit round too, in the score's transaction.
/// </summary>
public sealed class AuditAtWindowCloseTests(AuditEverythingSystem system) : AppealScenario(system), IClassFixture<AuditEverythingSystem>
{
    [Fact]
    public async Task A_case_closed_by_its_reveal_deadline_opens_its_audit_round_with_the_score()
    {
        // The third reviewer commits and never reveals: the case waits for its reveal deadline, and the closer closes it.
        var (id, first) = await ScoredAsync($"Closed late: tide gauge readings at the harbour mouth, {Guid.NewGuid()}.", (place, key) => place == 2 ? null : 60 + key % 3);
        await using var connection = new NpgsqlConnection(Scoring.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT type, data->>'appellantRole', data->>'appealId' FROM history.mt_events
            WHERE stream_id = 'scoring/' || @id AND type IN ('contribution_scored', 'appeal_filed', 'appeal_reviewers_assigned') ORDER BY seq_id
            """, connection);
        command.Parameters.AddWithValue("id", id);
        var events = new List<(string Type, string? Role, string? AppealId)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                events.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        Assert.Equal(["contribution_scored", "appeal_filed", "appeal_reviewers_assigned"], events.Select(e => e.Type));
        Assert.Equal(AppealFiled.Audit, events[1].Role);
        Assert.Equal(AuditDraw.AppealIdFor(id), events[1].AppealId);
        Assert.Equal(3, first.Length);
    }
}

/// <summary>A system auditing every consensus-scored case.</summary>
public sealed class AuditEverythingSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Scoring:AuditBasisPoints"] = "10000" };
}
