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
/// <c>replay</c> over quality credits the real reward-ledger service took back on the real PostgreSQL, in both orders: a
/// contribution invalidated before its score was credited (credit and reversal in one transaction) and one invalidated
/// after. It accepts that history and names the credit paid after its invalidation once its reversal is deleted.
/// </summary>
public sealed class CreditReversalAuditTests() : LedgerHistoryTest("creditreversal")
{
    [Fact]
    public async Task Replay_accepts_quality_credits_taken_back_in_either_order_and_names_one_paid_after_its_invalidation()
    {
        var (early, late) = (Id(), Id());
        var contributor = AnvilNode.DevAddresses[7];
        var store = Ledger.Services.GetRequiredService<IDocumentStore>();
        var now = DateTimeOffset.UtcNow;
        // Invalidated while still under review; its score is recorded afterwards.
        await AppendAsync(store, "governance/proposals/" + Id(), Activation(early, now));
        await AppendAsync(store, "scoring/" + early, new ContributionScored(early, contributor, "data", 90, "scoring-1", now));
        await Eventually.MatchesAsync(() => ScalarAsync($"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/credits/{early}' AND type = 'reward_adjusted'"),
            n => n == 1, "the early one credited and taken back", TimeSpan.FromSeconds(30));
        Assert.True(1 == await ScalarAsync($"SELECT count(DISTINCT xmin::text) FROM history.mt_events WHERE stream_id = 'ledger/credits/{early}'"), await DumpAsync());
        // Scored, credited, then invalidated: taken back afterwards.
        await AppendAsync(store, "scoring/" + late, new ContributionScored(late, contributor, "data", 70, "scoring-1", now));
        await Eventually.MatchesAsync(() => ScalarAsync($"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/credits/{late}'"),
            n => n == 1, "the late one credited", TimeSpan.FromSeconds(30));
        await AppendAsync(store, "governance/proposals/" + Id(), Activation(late, now));
        await Eventually.MatchesAsync(() => ScalarAsync("""
            SELECT count(*) FROM history.mt_events c WHERE c.type = 'epoch_closed'
              AND (c.data->>'epoch')::bigint >= (SELECT max((data->>'epoch')::bigint) FROM history.mt_events WHERE type = 'reward_adjusted')
              AND (SELECT count(*) FROM history.mt_events WHERE type = 'reward_adjusted') = 2
            """), n => n > 0, "both taken back and an epoch closed over them", TimeSpan.FromSeconds(30));
        await StopLedgerAsync();

        var honest = First(await AuditRun.RunAsync("replay", "--database", Database, "--json"));

        var adjustments = honest.GetProperty("adjustments");
        Assert.Empty(adjustments.GetProperty("findings").EnumerateArray());
        // 9 and 7 tokens credited (the genesis policy's data base of 10 tokens at 90 and 70), both taken back.
        Assert.Equal((2, 2, "16000000000000000000"),
            (adjustments.GetProperty("due").GetInt32(), adjustments.GetProperty("recorded").GetInt32(), adjustments.GetProperty("debited").ToString()));
        Assert.All(honest.GetProperty("epochs").EnumerateArray(), e => Assert.True(e.GetProperty("matches").GetBoolean()));
        Assert.Contains(honest.GetProperty("balances").EnumerateArray(),
            b => b.GetProperty("address").GetString() == contributor && b.GetProperty("amount").ToString() == "0");

        // The early one's reversal deleted: a credit paid after its invalidation took effect, named at the credit's log index.
        await ScalarAsync($"DELETE FROM history.mt_events WHERE type = 'reward_adjusted' AND stream_id = 'ledger/credits/{early}' RETURNING 1");
        var deleted = First(await AuditRun.RunAsync("replay", "--database", Database, "--json"));

        var missing = Assert.Single(deleted.GetProperty("adjustments").GetProperty("findings").EnumerateArray());
        Assert.Equal("adjustment missing", missing.GetProperty("what").GetString());
        Assert.Contains(early, missing.GetProperty("detail").GetString());
        Assert.Contains("credited after it took effect", missing.GetProperty("detail").GetString());
        Assert.Equal(await ScalarAsync($"SELECT count(*) FROM history.mt_events WHERE seq_id < (SELECT seq_id FROM history.mt_events WHERE type = 'contribution_rewarded' AND stream_id = 'ledger/credits/{early}')"),
            missing.GetProperty("index").GetInt64());
        Assert.Contains(deleted.GetProperty("balances").EnumerateArray(),
            b => b.GetProperty("address").GetString() == contributor && b.GetProperty("amount").ToString() == "9000000000000000000");
    }

    private async Task<string> DumpAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT seq_id, xmin::text, stream_id, type, data::text FROM history.mt_events ORDER BY seq_id", connection);
        await using var r = await command.ExecuteReaderAsync();
        var sb = new StringBuilder();
        while (await r.ReadAsync())
            sb.AppendLine($"{r.GetInt64(0)} {r.GetString(1)} {r.GetString(2)} {r.GetString(3)} {r.GetString(4)}");
        return sb.ToString();
    }

    private static async Task AppendAsync(IDocumentStore store, string stream, object data)
    {
        await using var session = store.LightweightSession();
        session.Events.StartStream(stream, data);
        await session.SaveChangesAsync();
    }

    private static PolicyActivated Activation(string contributionId, DateTimeOffset at)
    {
        var payload = JsonSerializer.Serialize(new { contributionId, reason = "plagiarised" });
        return new PolicyActivated(Id(), "contribution-invalidation", payload, Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(payload))), at);
    }

    private static string Id() => Hex.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The rewards' report: the first JSON document.</summary>
    private static JsonElement First(AuditRun run)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(run.Output), new JsonReaderOptions { AllowMultipleValues = true });
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.Clone();
    }


}
