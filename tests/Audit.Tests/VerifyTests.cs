using System.Text.Json;
using CommunityAI.Audit.Chain;
using CommunityAI.Formats;
using CommunityAI.Testing;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace CommunityAI.Audit.Tests;

/// <summary><c>verify</c> and <c>export</c> against a history logged and anchored by the real chain-bridge.</summary>
public sealed class VerifyTests(AuditedSystem system) : IClassFixture<AuditedSystem>
{
    // Indexes in the middle of the anchored range: after the policy event, among the first epoch's credits.
    private const long Tampered = 5;

    [Fact]
    public async Task Verify_takes_the_anchor_from_the_published_development_deployment_which_is_where_the_bridge_deployed()
    {
        var networkFile = Path.Combine(NetworkFileTests.NetworksDirectory, "development.json");

        var run = await AuditRun.RunAsync(["verify", "--database", system.Database, "--rpc", system.Chain.RpcUrl, "--network-file", networkFile, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Json.GetProperty("anchors").GetInt32() >= 2, run.ToString());
        Assert.Equal(NetworkFile.Load(networkFile).HistoryAnchor, system.AnchorAddress, ignoreCase: true);
    }

    [Fact]
    public async Task An_anchor_that_contradicts_the_network_file_or_an_edited_file_is_a_usage_error()
    {
        var networkFile = Path.Combine(NetworkFileTests.NetworksDirectory, "development.json");
        var edited = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(edited, (await File.ReadAllTextAsync(networkFile)).Replace("\"deploymentBlock\": 1", "\"deploymentBlock\": 7", StringComparison.Ordinal));

            var contradicting = await AuditRun.RunAsync(["verify", "--database", system.Database, "--rpc", system.Chain.RpcUrl,
                "--network-file", networkFile, "--anchor", AnvilNode.DevAddresses[3]]);
            var forged = await AuditRun.RunAsync(["verify", "--database", system.Database, "--rpc", system.Chain.RpcUrl, "--network-file", edited]);

            Assert.Equal(2, contradicting.ExitCode);
            Assert.Contains("differs from the published HistoryAnchor", contradicting.Error, StringComparison.Ordinal);
            Assert.Equal(2, forged.ExitCode);
            Assert.Contains("not by the admin", forged.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(edited);
        }
    }

    [Fact]
    public async Task A_clean_history_verifies_against_every_anchored_head_and_the_stored_log()
    {
        var run = await AuditRun.RunAsync(["verify", "--database", system.Database, .. system.ChainArgs, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var report = run.Json;
        Assert.True(report.GetProperty("passed").GetBoolean());
        Assert.Equal(system.HistorySize, report.GetProperty("treeSize").GetInt64());
        Assert.True(report.GetProperty("anchors").GetInt32() >= 2, run.ToString());
        var checks = report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("check").GetString()!).ToList();
        Assert.Contains(checks, c => c.StartsWith("consistency", StringComparison.Ordinal));
        Assert.Contains("stored log vs history", checks);
        Assert.Contains("stored log vs anchors", checks);
    }

    [Fact]
    public async Task An_export_holds_one_canonical_entry_per_event_and_verifies_like_the_database()
    {
        var file = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.jsonl");
        try
        {
            var export = await AuditRun.RunAsync(["export", "--database", system.Database, "--output", file, .. system.ChainArgs, "--json"]);
            Assert.True(export.ExitCode == 0, export.ToString());
            Assert.Equal(system.HistorySize, File.ReadLines(file).LongCount());
            var manifest = JsonDocument.Parse(File.ReadAllText(file + ".manifest.json")).RootElement;
            Assert.Equal(system.HistorySize, manifest.GetProperty("treeSize").GetInt64());
            Assert.All(manifest.GetProperty("anchors").EnumerateArray(), a => Assert.True(a.GetProperty("matchesExport").GetBoolean()));

            foreach (var mode in new[] { "--json", "--strict" })
            {
                // The default path hashes in parallel blocks; --strict parses every entry one at a time.
                var verify = await AuditRun.RunAsync(["verify", "--export", file, .. system.ChainArgs, mode, "--json"]);
                Assert.True(verify.ExitCode == 0, verify.ToString());
                Assert.Equal(manifest.GetProperty("rootHash").GetString(), verify.Json.GetProperty("rootHash").GetString());
            }

            // One changed byte in the export is caught by the anchors.
            var lines = File.ReadAllLines(file);
            lines[3] = lines[3].Replace("\"version\":1", "\"version\":2", StringComparison.Ordinal);
            File.WriteAllLines(file, lines);
            var edited = await AuditRun.RunAsync(["verify", "--export", file, .. system.ChainArgs, "--json"]);
            Assert.True(edited.ExitCode == 1, edited.ToString());
            Assert.Equal(0, edited.Json.GetProperty("firstDivergence").GetProperty("rangeStart").GetInt64());

            // A truncated export (last line cut) fails with the reason.
            var bytes = File.ReadAllBytes(file);
            File.WriteAllBytes(file, bytes[..^10]);
            var truncated = await AuditRun.RunAsync(["verify", "--export", file, .. system.ChainArgs]);
            Assert.Equal(1, truncated.ExitCode);
            Assert.Contains("truncated", truncated.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".manifest.json");
        }
    }

    [Fact]
    public async Task Updating_one_events_data_is_detected_at_its_index()
    {
        var clone = await system.CloneAsync();
        var seq = await AuditedSystem.SequenceAtAsync(clone, Tampered);
        await AuditedSystem.ExecuteAsync(clone, $"UPDATE history.mt_events SET data = jsonb_set(data, '{{tampered}}', 'true') WHERE seq_id = {seq}");

        var divergence = await FailingDivergenceAsync(clone);

        Assert.Equal(Tampered, divergence.GetProperty("index").GetInt64());
        Assert.Equal(seq, divergence.GetProperty("historyEvent").GetProperty("sequence").GetInt64());
        Assert.Equal(seq, divergence.GetProperty("recordedEvent").GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Deleting_an_event_is_detected_at_its_index_naming_the_missing_event()
    {
        var clone = await system.CloneAsync();
        var seq = await AuditedSystem.SequenceAtAsync(clone, Tampered);
        await AuditedSystem.ExecuteAsync(clone, $"DELETE FROM history.mt_events WHERE seq_id = {seq}");

        var divergence = await FailingDivergenceAsync(clone);

        Assert.Equal(Tampered, divergence.GetProperty("index").GetInt64());
        // The log recorded the deleted event there; the history now shows its successor.
        Assert.Equal(seq, divergence.GetProperty("recordedEvent").GetProperty("sequence").GetInt64());
        Assert.True(divergence.GetProperty("historyEvent").GetProperty("sequence").GetInt64() > seq);
    }

    [Fact]
    public async Task Swapping_the_data_of_two_events_is_detected_at_the_first_of_them()
    {
        var clone = await system.CloneAsync();
        var first = await AuditedSystem.SequenceAtAsync(clone, Tampered);
        var second = await AuditedSystem.SequenceAtAsync(clone, Tampered + 2);
        await AuditedSystem.ExecuteAsync(clone, $"""
            UPDATE history.mt_events e SET data = o.data
            FROM history.mt_events o
            WHERE (e.seq_id, o.seq_id) IN (({first}, {second}), ({second}, {first}))
            """);

        var divergence = await FailingDivergenceAsync(clone);

        Assert.Equal(Tampered, divergence.GetProperty("index").GetInt64());
        Assert.Equal(first, divergence.GetProperty("historyEvent").GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task A_forged_anchor_is_detected_naming_the_range_it_claims_to_cover()
    {
        var snapshot = await system.Chain.SnapshotAsync();
        try
        {
            // A compromised anchorer key anchors a head over the whole history with a root of its own.
            var web3 = new Web3(new Account(AnvilNode.DevPrivateKeys[0], AnvilNode.ChainId), system.Chain.RpcUrl);
            var handler = web3.Eth.GetContractTransactionHandler<HistoryAnchorAbi.AnchorFunction>();
            var receipt = await handler.SendRequestAndWaitForReceiptAsync(system.AnchorAddress,
                new HistoryAnchorAbi.AnchorFunction { TreeSize = (ulong)system.HistorySize, RootHash = new byte[32] });
            Assert.Equal(1UL, (ulong)receipt.Status.Value);

            var run = await AuditRun.RunAsync(["verify", "--database", system.Database, .. system.ChainArgs, "--json"]);

            Assert.True(run.ExitCode == 1, run.ToString());
            var failed = run.Json.GetProperty("findings").EnumerateArray().Where(f => !f.GetProperty("passed").GetBoolean()).ToList();
            Assert.Contains(failed, f => f.GetProperty("check").GetString()!.Contains($"tree size {system.HistorySize}", StringComparison.Ordinal));
            var divergence = run.Json.GetProperty("firstDivergence");
            Assert.Equal(system.Anchors.Max(a => a.TreeSize), divergence.GetProperty("rangeStart").GetInt64());
            Assert.Equal(system.HistorySize, divergence.GetProperty("rangeEnd").GetInt64());
            Assert.Contains(failed, f => f.GetProperty("check").GetString()!.Contains(receipt.TransactionHash, StringComparison.Ordinal));
        }
        finally
        {
            await system.Chain.RevertAsync(snapshot);
        }
    }

    private async Task<JsonElement> FailingDivergenceAsync(string database)
    {
        var run = await AuditRun.RunAsync(["verify", "--database", database, .. system.ChainArgs, "--json"]);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.False(run.Json.GetProperty("passed").GetBoolean());
        return run.Json.GetProperty("firstDivergence");
    }
}
