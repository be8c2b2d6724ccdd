using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// <c>replay</c> over appeal settlements made by the real reward-ledger service on the real PostgreSQL, from appeals decided
/// by quality-scoring's own rule over signed reviews: it recomputes every settlement and the claim roots they feed, and names
/// a settlement whose amount was edited in the database afterwards, at its log index.
/// </summary>
public sealed class AppealSettlementAuditTests() : LedgerHistoryTest("appealpay", ("Rewards:Genesis:ValidatorShareBasisPoints", "1000"))
{
    [Fact]
    public async Task Replay_recomputes_every_appeal_settlement_and_names_an_edited_amount_at_its_log_index()
    {
        string raised, lowered;
        await using (var history = new ScoringHistory(Database))
        {
            await history.PublishPolicyAsync();
            // 36, 36, 60 (the 60 clipped at distance 15) with automated 50: 42. 90, 90, 88 with automated 90: 90.
            raised = await history.ScoreAsync(50, [(2, 0.5m), (3, 0.5m), (4, 0.5m)], [(2, 36, "accept"), (3, 36, "accept"), (4, 60, "accept")]);
            lowered = await history.ScoreAsync(90, [(2, 0.5m), (3, 0.5m), (4, 0.5m)], [(2, 90, "accept"), (3, 90, "accept"), (4, 88, "accept")]);
            await Eventually.MatchesAsync(() => ScalarAsync("SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded'"), n => n == 2,
                "both credits", TimeSpan.FromSeconds(30));
            var up = await history.AppealAsync(raised, [(5, 0.5m), (6, 0.5m), (7, 0.5m)], [(5, 80, "accept"), (6, 82, "accept"), (7, 78, "accept")]);
            var down = await history.AppealAsync(lowered, [(5, 0.5m), (6, 0.5m), (7, 0.5m)], [(5, 30, "accept"), (6, 32, "accept"), (7, 28, "accept")]);
            Assert.Equal((42, 68), (up.FirstScore, up.FinalScore));
            Assert.Equal((90, 54), (down.FirstScore, down.FinalScore));
        }
        await Eventually.MatchesAsync(() => ScalarAsync("""
            SELECT count(*) FROM history.mt_events c WHERE c.type = 'epoch_closed'
              AND (c.data->>'epoch')::bigint >= (SELECT max((data->>'epoch')::bigint) FROM history.mt_events WHERE type = 'appeal_settled')
              AND (SELECT count(*) FROM history.mt_events WHERE type = 'appeal_settled') = 2
            """), n => n > 0, "two settlements and an epoch closed over them", TimeSpan.FromSeconds(30));
        await StopLedgerAsync();

        var honest = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.True(honest.ExitCode == 0, honest.ToString());
        var settlements = honest.Json.GetProperty("settlements");
        Assert.Equal((2, 2), (settlements.GetProperty("decided").GetInt32(), settlements.GetProperty("settled").GetInt32()));
        // Raised: +2.6 tokens to the contributor (10 · (68 − 42) / 100); lowered: −3.6 (10 · (54 − 90) / 100). Validator pay
        // moves between reviewers, one token per case in all.
        Assert.Equal(await SumLinesAsync(raised, positive: true) + await SumLinesAsync(lowered, positive: true), decimal.Parse(settlements.GetProperty("credited").ToString(), CultureInfo.InvariantCulture));
        Assert.Equal("2600000000000000000", await TextAsync(raised, "contributorDelta"));
        Assert.Equal("-3600000000000000000", await TextAsync(lowered, "contributorDelta"));
        Assert.All(honest.Json.GetProperty("epochs").EnumerateArray(), e => Assert.True(e.GetProperty("matches").GetBoolean()));

        // One base unit more for the contributor in the raised case's settlement.
        var sequence = await ScalarAsync($"SELECT seq_id FROM history.mt_events WHERE type = 'appeal_settled' AND stream_id = 'ledger/credits/{raised}'");
        await ScalarAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{lines}', (
                SELECT jsonb_agg(CASE WHEN line->>'account' = data->>'contributor'
                    THEN jsonb_set(line, '{amount}', to_jsonb(((line->>'amount')::numeric + 1)::text)) ELSE line END)
                FROM jsonb_array_elements(data->'lines') AS line))
            WHERE seq_id = {{sequence}} RETURNING 1
            """);
        var edited = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.NotEqual(0, edited.ExitCode);
        var finding = Assert.Single(edited.Json.GetProperty("settlements").GetProperty("findings").EnumerateArray());
        Assert.Equal("settlement lines", finding.GetProperty("what").GetString());
        Assert.Equal(await ScalarAsync($"SELECT count(*) FROM history.mt_events WHERE seq_id < {sequence}"), finding.GetProperty("index").GetInt64());
        Assert.Contains(raised, finding.GetProperty("detail").GetString());
        // The edited (positive) line is also credited in its epoch, which closed over it: the epoch's totals no longer recompute.
        // (Its claim root may: one contributor made both contributions, and a leaf above its net total does not move.)
        Assert.Contains(edited.Json.GetProperty("differences").EnumerateArray(), d => d.GetProperty("what").GetString() == "creditedInEpoch");
    }

    /// <summary>
    /// A first-round reviewer's appeal the panel bears out overturns the two reviews that made the score: the real ledger
    /// slashes each the genesis default (a whole pool, 1 token), replay recomputes it, and a slash edited afterwards is
    /// named at the settlement's log index.
    /// </summary>
    [Fact]
    public async Task Replay_recomputes_a_slash_and_names_an_edited_slash_at_its_log_index()
    {
        string id;
        await using (var history = new ScoringHistory(Database))
        {
            await history.PublishPolicyAsync();
            id = await history.ScoreAsync(50, [(2, 0.5m), (3, 0.5m), (4, 0.5m)], [(2, 36, "accept"), (3, 36, "accept"), (4, 60, "accept")]);
            await Eventually.MatchesAsync(() => ScalarAsync("SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded'"), n => n == 1,
                "the credit", TimeSpan.FromSeconds(30));
            // Account 4, whose 60 its round clipped (distance 15), appeals; the panel's 70 clips 2's and 3's 36, not the 60.
            await history.AppealAsync(id, [(5, 0.5m), (6, 0.5m), (7, 0.5m)], [(5, 70, "accept"), (6, 72, "accept"), (7, 68, "accept")], appellant: 4);
        }
        await Eventually.MatchesAsync(() => ScalarAsync("""
            SELECT count(*) FROM history.mt_events c WHERE c.type = 'epoch_closed'
              AND (c.data->>'epoch')::bigint >= (SELECT max((data->>'epoch')::bigint) FROM history.mt_events WHERE type = 'appeal_settled')
            """), n => n > 0, "the settlement and an epoch closed over it", TimeSpan.FromSeconds(30));
        await StopLedgerAsync();
        Assert.Equal(2, await ScalarAsync($"SELECT jsonb_array_length(data->'slashes') FROM history.mt_events WHERE type = 'appeal_settled'"));
        Assert.Equal("1000000000000000000", await ScalarTextAsync("SELECT data->'slashes'->0->>'amount' FROM history.mt_events WHERE type = 'appeal_settled'"));

        var honest = await AuditRun.RunAsync("replay", "--database", Database, "--json");
        Assert.True(honest.ExitCode == 0, honest.ToString());

        var sequence = await ScalarAsync($"SELECT seq_id FROM history.mt_events WHERE type = 'appeal_settled' AND stream_id = 'ledger/credits/{id}'");
        await ScalarAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{slashes,0,amount}', to_jsonb('1'::text)) WHERE seq_id = {{sequence}} RETURNING 1
            """);
        var edited = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.NotEqual(0, edited.ExitCode);
        var finding = Assert.Single(edited.Json.GetProperty("settlements").GetProperty("findings").EnumerateArray());
        Assert.Equal("settlement slashes", finding.GetProperty("what").GetString());
        Assert.Equal(await ScalarAsync($"SELECT count(*) FROM history.mt_events WHERE seq_id < {sequence}"), finding.GetProperty("index").GetInt64());
        Assert.Contains(id, finding.GetProperty("detail").GetString());
    }

    /// <summary>
    /// Scored 10 (below the genesis policy's 20: credited 0), invalidated, read by the ledger (nothing to take back), then
    /// appealed up to 80: the real ledger settles the validators and pays the contributor nothing, and replay recomputes that
    /// history without a finding on settlements or adjustments.
    /// </summary>
    [Fact]
    public async Task Replay_accepts_a_settlement_that_pays_nothing_to_a_contribution_invalidated_before_it()
    {
        string id;
        var store = Ledger.Services.GetRequiredService<IDocumentStore>();
        await using (var history = new ScoringHistory(Database))
        {
            await history.PublishPolicyAsync();
            id = await history.ScoreAsync(10, [(2, 0.5m), (3, 0.5m), (4, 0.5m)], [(2, 10, "accept"), (3, 10, "accept"), (4, 12, "accept")]);
            await Eventually.MatchesAsync(() => ScalarAsync("SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded'"), n => n == 1,
                "the credit", TimeSpan.FromSeconds(30));
            Assert.Equal("0", await ScalarTextAsync($"SELECT data->>'amount' FROM history.mt_events WHERE type = 'contribution_rewarded' AND stream_id = 'ledger/credits/{id}'"));

            var proposal = Hex.Encode(RandomNumberGenerator.GetBytes(32));
            var payload = JsonSerializer.Serialize(new { contributionId = id, reason = "plagiarised" });
            await using (var session = store.LightweightSession())
            {
                session.Events.StartStream("governance/proposals/" + proposal,
                    new PolicyActivated(proposal, "contribution-invalidation", payload, Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(payload))), DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }
            var activated = await ScalarAsync($"SELECT seq_id FROM history.mt_events WHERE stream_id = 'governance/proposals/{proposal}'");
            await Eventually.MatchesAsync(() => ScalarAsync("SELECT coalesce(max((data->>'sequence')::bigint), 0) FROM ledger.mt_doc_followercheckpoint WHERE id = 'invalidations-documented'"),
                n => n >= activated, "the ledger to read the invalidation", TimeSpan.FromSeconds(30));
            await history.AppealAsync(id, [(5, 0.5m), (6, 0.5m), (7, 0.5m)], [(5, 80, "accept"), (6, 82, "accept"), (7, 78, "accept")]);
        }
        await Eventually.MatchesAsync(() => ScalarAsync("""
            SELECT count(*) FROM history.mt_events c WHERE c.type = 'epoch_closed'
              AND (c.data->>'epoch')::bigint >= (SELECT max((data->>'epoch')::bigint) FROM history.mt_events WHERE type = 'appeal_settled')
            """), n => n > 0, "the settlement and an epoch closed over it", TimeSpan.FromSeconds(30));
        await StopLedgerAsync();
        Assert.Equal("0", await TextAsync(id, "contributorDelta"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM history.mt_events WHERE type = 'reward_adjusted'"));

        var run = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        // The bare activation has no proposal and vote behind it, which the policy replay names; the money sections must not.
        var settlements = run.Json.GetProperty("settlements");
        Assert.True(settlements.GetProperty("findings").GetArrayLength() == 0, run.ToString());
        Assert.Equal((1, 1), (settlements.GetProperty("decided").GetInt32(), settlements.GetProperty("settled").GetInt32()));
        Assert.True(run.Json.GetProperty("adjustments").GetProperty("findings").GetArrayLength() == 0, run.ToString());
        Assert.Equal(0, run.Json.GetProperty("adjustments").GetProperty("due").GetInt32());
        Assert.All(run.Json.GetProperty("epochs").EnumerateArray(), e => Assert.True(e.GetProperty("matches").GetBoolean()));
    }

    private async Task<string?> ScalarTextAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task<string> TextAsync(string contributionId, string field)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT data->>'{field}' FROM history.mt_events WHERE type = 'appeal_settled' AND stream_id = 'ledger/credits/{contributionId}'", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<decimal> SumLinesAsync(string contributionId, bool positive)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            SELECT coalesce(sum((line->>'amount')::numeric), 0) FROM history.mt_events e CROSS JOIN LATERAL jsonb_array_elements(e.data->'lines') AS line
            WHERE e.type = 'appeal_settled' AND e.stream_id = 'ledger/credits/{contributionId}' AND ((line->>'amount')::numeric > 0) = {positive}
            """, connection);
        return (decimal)(await command.ExecuteScalarAsync())!;
    }


}
