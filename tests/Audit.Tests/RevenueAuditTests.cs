using System.Globalization;
using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// <c>replay</c> over payments split by the real reward-ledger service on the real PostgreSQL: it recomputes every split
/// and the claim roots they feed, and reports a split edited in the database afterwards.
/// </summary>
public sealed class RevenueAuditTests() : LedgerHistoryTest("revenueaudit")
{
    [Fact]
    public async Task Replay_recomputes_every_split_and_the_roots_they_feed_and_reports_a_tampered_split()
    {
        var store = Ledger.Services.GetRequiredService<IDocumentStore>();
        var (alice, bob, treasury) = (Fresh(), Fresh(), Fresh());
        var ids = Enumerable.Range(0, 3).Select(_ => Hex.Encode(RandomNumberGenerator.GetBytes(32))).ToList();
        var root = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var tx = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        await AppendAsync(store, ("scoring/" + ids[0], new ContributionScored(ids[0], alice, "data", 70, "scoring-1", DateTimeOffset.UtcNow)));
        await AppendAsync(store, ("scoring/" + ids[1], new ContributionScored(ids[1], bob, "data", 13, "scoring-1", DateTimeOffset.UtcNow)));
        await AppendAsync(store, ("contributions/datasets/" + root, SignedFacts.Snapshot(8, root,
            [.. ids.Select(id => new DatasetMember(id, Hex.Encode(RandomNumberGenerator.GetBytes(32))))], DateTimeOffset.UtcNow)));
        await AppendAsync(store,
            ($"chain/revenue/{tx}:1", new DatasetPaid($"{tx}:1", root, Fresh(), "1000000000000000000000", treasury, 31337, Fresh(), tx, 5, tx, 1, DateTimeOffset.UtcNow)),
            ($"chain/revenue/{tx}:2", new DatasetPaid($"{tx}:2", Hex.Encode(RandomNumberGenerator.GetBytes(32)), Fresh(), "999", treasury, 31337, Fresh(), tx, 5, tx, 2,
                DateTimeOffset.UtcNow)));
        // Both split, and an epoch closed over them.
        await Eventually.MatchesAsync(() => ScalarAsync("""
            SELECT count(*) FROM history.mt_events c WHERE c.type = 'epoch_closed'
              AND (c.data->>'epoch')::bigint >= (SELECT max((data->>'epoch')::bigint) FROM history.mt_events WHERE type = 'revenue_split')
              AND (SELECT count(*) FROM history.mt_events WHERE type = 'revenue_split') = 2
            """), n => n > 0, "both payments split and an epoch closed over them", TimeSpan.FromSeconds(30));
        await StopLedgerAsync();

        var honest = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.True(honest.ExitCode == 0, honest.ToString());
        var revenue = honest.Json.GetProperty("revenue");
        Assert.Equal(2, revenue.GetProperty("splits").GetInt32());
        Assert.Equal("1000000000000000000999", revenue.GetProperty("paid").ToString());
        Assert.All(honest.Json.GetProperty("epochs").EnumerateArray(), e => Assert.True(e.GetProperty("matches").GetBoolean()));

        // One base unit moved from the treasury's remainder to alice: the sums still add up, the split does not.
        await ScalarAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(jsonb_set(data,
                '{lines,0,amount}', to_jsonb(((data->'lines'->0->>'amount')::numeric + 1)::text)),
                '{lines,2,amount}', to_jsonb(((data->'lines'->2->>'amount')::numeric - 1)::text))
            WHERE stream_id = 'ledger/revenue/{{tx}}:1' RETURNING 1
            """);
        var tampered = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.NotEqual(0, tampered.ExitCode);
        Assert.Contains(tampered.Json.GetProperty("revenue").GetProperty("findings").EnumerateArray(), f => f.GetProperty("what").GetString() == "revenue lines");
        Assert.Contains(tampered.Json.GetProperty("differences").EnumerateArray(), d => d.GetProperty("what").GetString() == "claimRoot");
    }

    private static string Fresh() => Address.Parse(Hex.Encode(RandomNumberGenerator.GetBytes(20)));

    private static async Task AppendAsync(IDocumentStore store, params (string Stream, object Event)[] events)
    {
        await using var session = store.LightweightSession();
        foreach (var (stream, @event) in events)
            session.Events.StartStream(stream, @event);
        await session.SaveChangesAsync();
    }


}
