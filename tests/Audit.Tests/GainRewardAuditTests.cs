using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// <c>replay</c> over gain credits made by the real reward-ledger service on the real PostgreSQL, from a community model
/// history (a committed period, a trained champion, a contributed model that beat it and one that did not): it recomputes
/// the credit and the claim roots it feeds, and names a credit edited in the database afterwards and one deleted there.
/// </summary>
public sealed class GainRewardAuditTests() : LedgerHistoryTest("gainreward", ("Rewards:Genesis:ModelGainRewardPerBasisPoint", RewardPerBasisPoint))
{
    private const string RewardPerBasisPoint = "10000000000000000"; // a hundredth of a token
    [Fact]
    public async Task Replay_recomputes_every_gain_credit_and_names_a_tampered_or_deleted_one()
    {
        var (winner, loser) = (Id(), Id());
        var (champion, winnerModel) = (Id(), Id());
        var root = Id();
        var contributor = AnvilNode.DevAddresses[5];
        var store = Ledger.Services.GetRequiredService<IDocumentStore>();
        var now = DateTimeOffset.UtcNow;
        await using (var session = store.LightweightSession())
        {
            // As the community model records a round: the period's commitment, its own model trained and made champion, then
            // two contributed models measured against the champion of their moment (9 to 0 is a real gain, 3 to 2 is not).
            session.Events.StartStream("model/evaluation/1", new EvaluationSplitCommitted(1, Hex.Encode(SHA256.HashData(RandomNumberGenerator.GetBytes(32))), 20, now));
            session.Events.StartStream("model/" + root,
                new ModelTrained(champion, root, null, AnvilNode.DevAddresses[9], "test", "test", ["a", "b"], 1, 20, 10, 0, 0, 8, 2, 6000, 6000, now),
                new ModelEvaluated(1, champion, root, null, 2, 6000, 6000, null, 0, 0, null, true));
            session.Events.StartStream("model/contributions/" + winner, Evaluated(winner, contributor, winnerModel, root, champion, 7000, 6000, 9, 0, true, now));
            session.Events.StartStream("model/contributions/" + loser, Evaluated(loser, contributor, Id(), root, winnerModel, 7100, 7000, 3, 2, false, now));
            await session.SaveChangesAsync();
        }
        await Eventually.MatchesAsync(() => ScalarAsync("""
            SELECT count(*) FROM history.mt_events c WHERE c.type = 'epoch_closed'
              AND (c.data->>'epoch')::bigint >= (SELECT max((data->>'epoch')::bigint) FROM history.mt_events WHERE type = 'model_gain_rewarded')
            """), n => n > 0, "the gain credited and an epoch closed over it", TimeSpan.FromSeconds(30));
        await StopLedgerAsync();

        var honest = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.True(honest.ExitCode == 0, honest.ToString());
        var report = First(honest);
        var gains = report.GetProperty("gains");
        // 1,000 bp of gain at a hundredth of a token each: 10 tokens; the model that did not win earns nothing.
        Assert.Equal((1, 1, "10000000000000000000"), (gains.GetProperty("due").GetInt32(), gains.GetProperty("recorded").GetInt32(), gains.GetProperty("paid").ToString()));
        Assert.All(report.GetProperty("epochs").EnumerateArray(), e => Assert.True(e.GetProperty("matches").GetBoolean()));
        Assert.Contains(report.GetProperty("balances").EnumerateArray(),
            b => b.GetProperty("address").GetString() == contributor && b.GetProperty("amount").ToString() == "10000000000000000000");

        // One base unit more for the winner: the credit no longer follows from its evaluation and policy, nor the root from the credits.
        await ScalarAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{amount}', to_jsonb(((data->>'amount')::numeric + 1)::text))
            WHERE type = 'model_gain_rewarded' AND stream_id = 'ledger/gains/{{winner}}' RETURNING 1
            """);
        var edited = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.NotEqual(0, edited.ExitCode);
        var tampered = First(edited);
        var finding = Assert.Single(tampered.GetProperty("gains").GetProperty("findings").EnumerateArray());
        Assert.Equal("gain reward amount", finding.GetProperty("what").GetString());
        Assert.Contains(winner, finding.GetProperty("detail").GetString());
        // Named at the credit's log index: the events before it in the history (log indexes are dense).
        Assert.Equal(await ScalarAsync("SELECT count(*) FROM history.mt_events WHERE seq_id < (SELECT seq_id FROM history.mt_events WHERE type = 'model_gain_rewarded')"),
            finding.GetProperty("index").GetInt64());
        Assert.Contains(tampered.GetProperty("differences").EnumerateArray(), d => d.GetProperty("what").GetString() == "claimRoot");

        // The credit deleted: the champion change it paid is named as unrewarded, at the evaluation's log index.
        await ScalarAsync("DELETE FROM history.mt_events WHERE type = 'model_gain_rewarded' RETURNING 1");
        var deleted = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.NotEqual(0, deleted.ExitCode);
        Assert.Contains(First(deleted).GetProperty("gains").GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("what").GetString() == "gain unrewarded" && f.GetProperty("detail").GetString()!.Contains(winner));
    }

    [Fact]
    public async Task Replay_recomputes_the_gain_reversals_of_invalidated_contributions_in_either_order_and_names_a_deleted_one()
    {
        var (early, late) = (Id(), Id());
        var root = Id();
        var contributor = AnvilNode.DevAddresses[6];
        var store = Ledger.Services.GetRequiredService<IDocumentStore>();
        var now = DateTimeOffset.UtcNow;
        var (first, second) = (Id(), Id());
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("model/evaluation/1", new EvaluationSplitCommitted(1, Hex.Encode(SHA256.HashData(RandomNumberGenerator.GetBytes(32))), 20, now));
            // Invalidated before its evaluation is recorded (a model waits rounds for one): credited and taken back at once.
            session.Events.StartStream("governance/proposals/" + first, Activation(first, early, now));
            session.Events.StartStream("model/contributions/" + early, Evaluated(early, contributor, Id(), root, Id(), 6500, 6000, 9, 0, true, now));
            await session.SaveChangesAsync();
        }
        await Eventually.MatchesAsync(() => ScalarAsync($"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/gains/{early}'"),
            n => n == 2, "the early one credited and taken back", TimeSpan.FromSeconds(30));
        // Evaluated, credited, then invalidated: taken back afterwards.
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("model/contributions/" + late, Evaluated(late, contributor, Id(), root, Id(), 6300, 6000, 8, 0, true, now));
            await session.SaveChangesAsync();
        }
        await Eventually.MatchesAsync(() => ScalarAsync($"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/gains/{late}'"),
            n => n == 1, "the late one credited", TimeSpan.FromSeconds(30));
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("governance/proposals/" + second, Activation(second, late, now));
            await session.SaveChangesAsync();
        }
        await Eventually.MatchesAsync(() => ScalarAsync("""
            SELECT count(*) FROM history.mt_events c WHERE c.type = 'epoch_closed'
              AND (c.data->>'epoch')::bigint >= (SELECT max((data->>'epoch')::bigint) FROM history.mt_events WHERE type = 'model_gain_reversed')
              AND (SELECT count(*) FROM history.mt_events WHERE type = 'model_gain_reversed') = 2
            """), n => n > 0, "both taken back and an epoch closed over them", TimeSpan.FromSeconds(30));
        await StopLedgerAsync();

        var honest = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        var report = First(honest);
        var gains = report.GetProperty("gains");
        // 500 bp and 300 bp at a hundredth of a token each: 8 tokens credited, 8 taken back, nothing kept.
        Assert.Empty(gains.GetProperty("findings").EnumerateArray());
        Assert.Equal((2, "8000000000000000000", 2, 2, "8000000000000000000"),
            (gains.GetProperty("recorded").GetInt32(), gains.GetProperty("paid").ToString(), gains.GetProperty("reversalsDue").GetInt32(),
             gains.GetProperty("reversed").GetInt32(), gains.GetProperty("takenBack").ToString()));
        Assert.All(report.GetProperty("epochs").EnumerateArray(), e => Assert.True(e.GetProperty("matches").GetBoolean()));
        Assert.Contains(report.GetProperty("balances").EnumerateArray(),
            b => b.GetProperty("address").GetString() == contributor && b.GetProperty("amount").ToString() == "0");
        // The activations here were planted without their votes (governance's own tests pass real ones): the policy section
        // says so, and that is all the replay finds.
        Assert.Empty(report.GetProperty("differences").EnumerateArray());

        // The later reversal deleted: the gain stands for an invalidated contribution, and the recomputed balance keeps it.
        // (The roots still agree: a published cumulative amount never goes down, so a debit moves no root until later earnings.)
        await ScalarAsync($"DELETE FROM history.mt_events WHERE type = 'model_gain_reversed' AND stream_id = 'ledger/gains/{late}' RETURNING 1");
        var deleted = First(await AuditRun.RunAsync("replay", "--database", Database, "--json"));

        var missing = Assert.Single(deleted.GetProperty("gains").GetProperty("findings").EnumerateArray());
        Assert.Equal("gain reversal missing", missing.GetProperty("what").GetString());
        Assert.Contains(late, missing.GetProperty("detail").GetString());
        Assert.Contains(deleted.GetProperty("balances").EnumerateArray(),
            b => b.GetProperty("address").GetString() == contributor && b.GetProperty("amount").ToString() == "3000000000000000000");
    }

    private static PolicyActivated Activation(string proposal, string contributionId, DateTimeOffset at)
    {
        var payload = JsonSerializer.Serialize(new { contributionId, reason = "a copy of a published model" });
        return new PolicyActivated(proposal, "contribution-invalidation", payload, Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(payload))), at);
    }

    private static ModelContributionEvaluated Evaluated(string id, string contributor, string model, string root, string champion, int accuracy, int championAccuracy,
        int onlyModel, int onlyChampion, bool became, DateTimeOffset at) =>
        new(1, id, contributor, model, Id(), root, null, "community-model-onnx/1", "test", null, 40, accuracy, champion, championAccuracy, accuracy - championAccuracy,
            onlyModel, onlyChampion, became, at);

    private static string Id() => Hex.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The rewards' report: the first JSON document (the community model's follows it when the history holds model events).</summary>
    private static JsonElement First(AuditRun run)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(run.Output), new JsonReaderOptions { AllowMultipleValues = true });
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.Clone();
    }


}
