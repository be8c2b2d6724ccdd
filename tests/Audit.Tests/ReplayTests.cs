using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Formats;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests;

/// <summary><c>replay</c>: credits and claim roots recomputed from the history alone.</summary>
public sealed class ReplayTests(AuditedSystem system) : IClassFixture<AuditedSystem>
{
    [Fact]
    public async Task Replay_agrees_with_every_closed_epoch_and_steps_over_unknown_event_types()
    {
        var run = await AuditRun.RunAsync(["replay", "--database", system.Database, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = run.Json;
        Assert.Equal(system.ContributionIds.Count, result.GetProperty("credits").GetInt32());
        var epochs = result.GetProperty("epochs").EnumerateArray().ToList();
        Assert.Equal([0L, 1L], epochs.Select(e => e.GetProperty("epoch").GetInt64()));
        Assert.All(epochs, e => Assert.True(e.GetProperty("matches").GetBoolean()));
        Assert.Equal(3, result.GetProperty("balances").GetArrayLength());
        Assert.Empty(result.GetProperty("differences").EnumerateArray());
        Assert.True(result.GetProperty("unknownTypes").TryGetProperty("reward_policy_published", out _), run.Output);
    }

    [Fact]
    public async Task Replay_from_an_export_gives_the_same_answer_as_from_the_database()
    {
        var file = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.jsonl");
        try
        {
            Assert.Equal(0, (await AuditRun.RunAsync("export", "--database", system.Database, "--output", file)).ExitCode);
            var fromExport = await AuditRun.RunAsync("replay", "--export", file, "--json");
            var fromDatabase = await AuditRun.RunAsync("replay", "--database", system.Database, "--json");
            Assert.Equal(0, fromExport.ExitCode);
            Assert.Equal(fromDatabase.Output, fromExport.Output);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".manifest.json");
        }
    }

    [Fact]
    public async Task An_inflated_credit_is_reported_against_every_epoch_root_it_feeds()
    {
        var clone = await system.CloneAsync();
        var id = system.ContributionIds[0];
        await AuditedSystem.ExecuteAsync(clone, $$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{amount}', '"999000000000000000000"')
            WHERE stream_id = 'ledger/credits/{{id}}'
            """);

        var run = await AuditRun.RunAsync(["replay", "--database", clone, "--json"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        var differences = run.Json.GetProperty("differences").EnumerateArray().ToList();
        Assert.Contains(differences, d => d.GetProperty("what").GetString() == "claimRoot" && Detail(d).Contains("epoch 0 ", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.GetProperty("what").GetString() == "claimRoot" && Detail(d).Contains("epoch 1 ", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.GetProperty("what").GetString() == "cumulativeTotal");
        Assert.Contains(differences, d => d.GetProperty("what").GetString() == "creditedInEpoch" && Detail(d).Contains("epoch 0 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_credit_recorded_twice_is_reported()
    {
        var clone = await system.CloneAsync();
        var id = system.ContributionIds[1];
        // The same credit appended again to its stream, bypassing the ledger's exactly-once guard.
        await AuditedSystem.ExecuteAsync(clone, $"""
            INSERT INTO history.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
            SELECT nextval('history.mt_events_sequence'), gen_random_uuid(), stream_id, 2, data, type, now(), tenant_id, mt_dotnet_type, false
            FROM history.mt_events WHERE stream_id = 'ledger/credits/{id}'
            """);

        var run = await AuditRun.RunAsync(["replay", "--database", clone, "--json"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(run.Json.GetProperty("differences").EnumerateArray(), d => d.GetProperty("what").GetString() == "credited twice");
    }

    [Fact]
    public async Task A_claim_root_published_again_after_a_reorg_replays_without_differences()
    {
        var clone = await system.CloneAsync();
        await using (var history = new SyntheticHistory(clone))
            await history.RecordRepublishedClaimRootAsync(1, Hex.Encode(RandomNumberGenerator.GetBytes(32)), AnvilNode.DevAddresses[9]);

        var run = await AuditRun.RunAsync(["replay", "--database", clone, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.All(run.Json.GetProperty("epochs").EnumerateArray(), e => Assert.True(e.GetProperty("matches").GetBoolean()));
        Assert.Empty(run.Json.GetProperty("differences").EnumerateArray());
        // The chain-bridge's records are no part of rewards: counted and stepped over.
        var unknown = run.Json.GetProperty("unknownTypes");
        // The bridge's own publication of epoch 1 in the fixture, and the two recorded here.
        Assert.Equal(3, unknown.GetProperty("claim_root_published").GetInt32());
        Assert.Equal(1, unknown.GetProperty("claim_root_dropped").GetInt32());
    }

    private static string Detail(JsonElement d) => d.GetProperty("detail").GetString()!;
}
