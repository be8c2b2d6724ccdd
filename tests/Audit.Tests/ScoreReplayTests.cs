using System.Globalization;
using System.Text.Json;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary><c>replay</c> recomputes every ContributionScored from the history alone and names what was tampered with.</summary>
public sealed class ScoreReplayTests(ScoredSystem system) : IClassFixture<ScoredSystem>
{
    [Fact]
    public async Task An_honest_history_recomputes_every_score()
    {
        var run = await AuditRun.RunAsync("replay", "--database", system.Database, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var scores = run.Json.GetProperty("scores");
        Assert.Equal(5, scores.GetProperty("scored").GetInt32());
        Assert.Equal(5, scores.GetProperty("recomputedEqual").GetInt32());
        Assert.Equal(2, scores.GetProperty("byConsensus").GetInt32());
        Assert.Equal(2, scores.GetProperty("fallback").GetInt32());
        Assert.Equal(1, scores.GetProperty("duplicate").GetInt32());
        Assert.Empty(scores.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public async Task Signatures_are_checked_in_the_given_chains_domain()
    {
        var run = await AuditRun.RunAsync("replay", "--database", system.Database, "--json", "--chain-id", "1");

        Assert.True(run.ExitCode == 1, run.ToString());
        // Every review used by a consensus (three each for two contributions) was signed for chain 31337, not 1.
        Assert.Equal(6, Findings(run).Count(f => f.What == "review signature"));
    }

    [Fact]
    public async Task A_changed_final_score_is_found()
    {
        var clone = await TamperScoreAsync(system.Accepted, "jsonb_set(data, '{score}', '99')");

        var finding = Assert.Single(await FindingsAsync(clone));
        Assert.Equal("score", finding.What);
        Assert.Contains($"contribution {system.Accepted} is scored 99, the history recomputes to 74", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_review_score_in_the_scored_event_is_found()
    {
        var clone = await TamperScoreAsync(system.Accepted, "jsonb_set(data, '{reviews,0,score}', '10')");

        var finding = Assert.Single(await FindingsAsync(clone));
        Assert.Equal("review score", finding.What);
        Assert.Contains(system.Accepted, finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_weight_that_is_not_the_assigned_reputation_is_found()
    {
        var clone = await TamperScoreAsync(system.Rejected, "jsonb_set(data, '{reviews,0,reputation}', '0.95')");

        var finding = Assert.Single(await FindingsAsync(clone));
        Assert.Equal("review weight", finding.What);
        Assert.Contains($"contribution {system.Rejected}", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("weighs 0.95", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_review_signature_is_found()
    {
        var clone = await system.CloneAsync();
        var validator = AnvilNode.DevAddresses[3];
        // The same review, signed by a key that is not the validator's.
        var (nonce, deadline, salt) = await ReviewTermsAsync(clone, system.Accepted, validator);
        var forged = TypedDataSigner.Sign(new ReviewPayload(validator, system.Accepted, 75, "accept", salt, nonce, deadline),
            ScoringHistory.Domain, AnvilNode.DevPrivateKeys[9]);
        await ExecuteAsync(clone, $$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{signature}', '"{{forged}}"')
            WHERE stream_id = 'scoring/{{system.Accepted}}' AND type = 'review_submitted' AND data->>'validator' = '{{validator}}'
            """);

        var finding = Assert.Single(await FindingsAsync(clone));
        Assert.Equal("review signature", finding.What);
        Assert.Contains($"contribution {system.Accepted}: the review of {validator} recovers to {AnvilNode.DevAddresses[9]}", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_clipped_flag_is_found()
    {
        var clone = await TamperScoreAsync(system.Accepted, """
            jsonb_set(data, '{reviews}', (SELECT jsonb_agg(CASE WHEN r->>'clipped' = 'true' THEN jsonb_set(r, '{clipped}', 'false') ELSE r END)
                                          FROM jsonb_array_elements(data->'reviews') r))
            """);

        var finding = Assert.Single(await FindingsAsync(clone));
        Assert.Equal("clipped", finding.What);
        Assert.Contains($"the review of {AnvilNode.DevAddresses[4]} is marked clipped=false", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_raised_agreement_which_review_pay_is_weighed_by_is_found()
    {
        // The clipped review (20 against the consensus 75) agrees 0; written as 1 it would be paid as if it sat on the consensus.
        var clone = await TamperScoreAsync(system.Accepted, """
            jsonb_set(data, '{reviews}', (SELECT jsonb_agg(CASE WHEN r->>'clipped' = 'true' THEN jsonb_set(r, '{agreement}', '1') ELSE r END)
                                          FROM jsonb_array_elements(data->'reviews') r))
            """);

        var finding = Assert.Single(await FindingsAsync(clone, payFollows: true));
        Assert.Equal("review agreement", finding.What);
        Assert.Contains($"the review of {AnvilNode.DevAddresses[4]} records agreement 1, its score 20 against median 75 and clip distance 15 gives 0",
            finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agreements_left_out_of_a_later_score_are_found()
    {
        // The accepted contribution was scored first with agreements; the rejected one, scored after, loses them.
        var clone = await TamperScoreAsync(system.Rejected, """
            jsonb_set(data, '{reviews}', (SELECT jsonb_agg(r - 'agreement') FROM jsonb_array_elements(data->'reviews') r))
            """);

        var findings = await FindingsAsync(clone, payFollows: true);
        Assert.Equal(3, findings.Count);
        Assert.All(findings, f => Assert.Equal("review agreement missing", f.What));
        Assert.All(findings, f => Assert.Contains($"contribution {system.Rejected}", f.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_policy_version_that_was_never_published_is_found()
    {
        var clone = await TamperScoreAsync(system.NoValidators, """jsonb_set(data, '{policyVersion}', '"scoring-2"')""");

        var finding = Assert.Single(await FindingsAsync(clone));
        Assert.Equal("policy version", finding.What);
        Assert.Contains($"contribution {system.NoValidators} is scored under policy scoring-2", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fallback_score_other_than_the_automated_score_is_found()
    {
        var clone = await TamperScoreAsync(system.NoQuorum, "jsonb_set(data, '{score}', '80')");

        var finding = Assert.Single(await FindingsAsync(clone));
        Assert.Equal("score", finding.What);
        Assert.Contains($"contribution {system.NoQuorum} is scored 80, the history recomputes to 55", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_scored_above_zero_is_found()
    {
        var clone = await TamperScoreAsync(system.Duplicate, "jsonb_set(data, '{score}', '70')");

        var finding = Assert.Single(await FindingsAsync(clone));
        Assert.Equal("score", finding.What);
        Assert.Contains($"contribution {system.Duplicate} is scored 70, the history recomputes to 0", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_scores_for_one_contribution_are_found_and_the_table_names_it()
    {
        var clone = await system.CloneAsync();
        await ExecuteAsync(clone, $"""
            INSERT INTO history.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
            SELECT nextval('history.mt_events_sequence'), gen_random_uuid(), stream_id, version + 1, data, type, now(), tenant_id, mt_dotnet_type, false
            FROM history.mt_events WHERE stream_id = 'scoring/{system.Rejected}' AND type = 'contribution_scored'
            """);

        var finding = Assert.Single(await FindingsAsync(clone));
        Assert.Equal("scored twice", finding.What);
        Assert.Contains($"contribution {system.Rejected} is scored again", finding.Detail, StringComparison.Ordinal);

        var table = await AuditRun.RunAsync("replay", "--database", clone);
        Assert.Equal(1, table.ExitCode);
        Assert.Contains("score findings", table.Output, StringComparison.Ordinal);
        Assert.Contains("scored twice", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_score_recorded_before_its_reviews_is_not_backed_by_them()
    {
        // Moving the score ahead of everything else in its stream: the reviews it names came later.
        var clone = await system.CloneAsync();
        await ExecuteAsync(clone, $"""
            UPDATE history.mt_events SET seq_id = -1
            WHERE stream_id = 'scoring/{system.Accepted}' AND type = 'contribution_scored'
            """);

        var findings = await FindingsAsync(clone);
        Assert.Contains(findings, f => f.What == "automated score" && f.Detail.Contains(system.Accepted, StringComparison.Ordinal));
        Assert.Contains(findings, f => f.What == "policy version");
    }

    private async Task<string> TamperScoreAsync(string contributionId, string newData)
    {
        var clone = await system.CloneAsync();
        await ExecuteAsync(clone, $"""
            UPDATE history.mt_events SET data = {newData}
            WHERE stream_id = 'scoring/{contributionId}' AND type = 'contribution_scored'
            """);
        return clone;
    }

    /// <param name="payFollows">
    /// True when the tampered field weighs validator pay (an agreement): the other sections may then name what the
    /// recorded reviews no longer recompute to; the scores section's findings are the ones returned.
    /// </param>
    private static async Task<List<(string What, string Detail)>> FindingsAsync(string database, bool payFollows = false)
    {
        var run = await AuditRun.RunAsync("replay", "--database", database, "--json");
        Assert.True(run.ExitCode == 1, run.ToString());
        // The reward replay has nothing to say about scores: each finding is in the scores section.
        if (!payFollows)
            Assert.Empty(run.Json.GetProperty("differences").EnumerateArray());
        return Findings(run);
    }

    private static List<(string What, string Detail)> Findings(AuditRun run) =>
        run.Json.GetProperty("scores").GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("what").GetString()!, f.GetProperty("detail").GetString()!))
            .ToList();

    private static async Task<(ulong Nonce, ulong Deadline, string Salt)> ReviewTermsAsync(string database, string contributionId, string validator)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT data->>'nonce', data->>'deadline', data->>'salt' FROM history.mt_events WHERE stream_id = @stream AND type = 'review_submitted' AND data->>'validator' = @validator",
            connection);
        command.Parameters.AddWithValue("stream", $"scoring/{contributionId}");
        command.Parameters.AddWithValue("validator", validator);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetString(2));
    }

    private static Task ExecuteAsync(string database, string sql) => AuditedSystem.ExecuteAsync(database, sql);
}
