using CommunityAI.Formats.Notes;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests.Watch;

/// <summary>
/// <c>export --url</c>: an outsider with no database takes the log from the operator's public endpoints (the signed
/// checkpoint and tlog-tiles entry bundles) and checks it against the chain with <c>verify --export</c>. Entries that do
/// not hash to the signed root, or a checkpoint signed by another key, leave no export behind.
/// </summary>
public sealed class ServedExportTests(AuditedSystem system) : IClassFixture<AuditedSystem>
{
    private static readonly NoteSigner Operator = new("log.example/served-export", Enumerable.Repeat((byte)19, 32).ToArray());

    [Fact]
    public async Task The_real_bridges_log_exported_over_http_is_the_database_export_and_verifies_against_the_chain()
    {
        var clone = await system.CloneAsync();
        var broker = await RabbitServer.CreateVirtualHostAsync("served-export");
        var (served, fromDatabase) = (TempFile(), TempFile());
        try
        {
            await using var bridge = new CheckpointingBridge(clone, broker);
            bridge.UseKestrel(0);
            bridge.StartServer();
            var client = bridge.CreateClient();
            await AnchoredWatchTests.WaitForLogAsync(client, await system.CountAsync(clone));

            var export = await AuditRun.RunAsync(["export", "--url", client.BaseAddress!.ToString(), "--log-key", CheckpointingBridge.LogKey.Key.ToString(),
                "--output", served, .. system.ChainArgs, "--json"]);
            var reference = await AuditRun.RunAsync(["export", "--database", clone, "--output", fromDatabase]);
            var verify = await AuditRun.RunAsync(["verify", "--export", served, .. system.ChainArgs]);

            Assert.True(export.ExitCode == 0, export.ToString());
            Assert.Equal(await system.CountAsync(clone), export.Json.GetProperty("treeSize").GetInt64());
            Assert.True(reference.ExitCode == 0, reference.ToString());
            Assert.Equal(await File.ReadAllBytesAsync(fromDatabase), await File.ReadAllBytesAsync(served));
            Assert.True(verify.ExitCode == 0, verify.ToString());
            var manifest = await File.ReadAllTextAsync(served + ".manifest.json");
            Assert.Contains("\"checkpoint\"", manifest, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var f in new[] { served, served + ".manifest.json", fromDatabase, fromDatabase + ".manifest.json" })
                File.Delete(f);
            await RabbitServer.DeleteVirtualHostAsync(broker);
        }
    }

    [Fact]
    public async Task Entries_that_do_not_hash_to_the_signed_root_leave_no_export()
    {
        var entries = await system.LoggedEntriesAsync();
        await using var server = await LogServer.StartAsync(new ServedLog(entries, Operator));
        var victim = entries[entries.Count / 2];
        server.TamperEntries = e => e.AsSpan().SequenceEqual(victim) ? [.. e[..^1], (byte)' ', e[^1]] : e;
        var file = TempFile();

        var run = await AuditRun.RunAsync(["export", "--url", server.Url, "--log-key", Operator.Key.ToString(), "--output", file]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not to the root", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task A_checkpoint_signed_by_another_key_or_too_few_witnesses_is_refused_and_options_are_checked()
    {
        await using var server = await LogServer.StartAsync(new ServedLog(ServedLog.Entries(300), Operator));
        var stranger = new NoteSigner("log.example/served-export", Enumerable.Repeat((byte)20, 32).ToArray());
        var witness = new NoteSigner("witness.example", Enumerable.Repeat((byte)21, 32).ToArray(), NoteKey.CosignatureType);
        var file = TempFile();
        try
        {
            var honest = await AuditRun.RunAsync(["export", "--url", server.Url, "--log-key", Operator.Key.ToString(), "--output", file, "--json"]);
            var foreign = await AuditRun.RunAsync(["export", "--url", server.Url, "--log-key", stranger.Key.ToString(), "--output", file + ".2"]);
            var unwitnessed = await AuditRun.RunAsync(["export", "--url", server.Url, "--log-key", Operator.Key.ToString(),
                "--witness-key", witness.Key.ToString(), "--witnesses-required", "1", "--output", file + ".3"]);
            var both = await AuditRun.RunAsync(["export", "--url", server.Url, "--log-key", Operator.Key.ToString(), "--database", system.Database, "--output", file + ".4"]);
            var neither = await AuditRun.RunAsync(["export", "--output", file + ".5"]);

            // 300 entries: one full bundle and a partial one.
            Assert.True(honest.ExitCode == 0, honest.ToString());
            Assert.Equal(300, File.ReadAllLines(file).Length);
            Assert.Equal(1, foreign.ExitCode);
            Assert.Contains("refused", foreign.Error, StringComparison.Ordinal);
            Assert.Equal(1, unwitnessed.ExitCode);
            Assert.Contains("refused", unwitnessed.Error, StringComparison.Ordinal);
            Assert.Equal(2, both.ExitCode);
            Assert.Equal(2, neither.ExitCode);
            Assert.Contains("exactly one of --database and --url", both.Error + neither.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(file + ".2") || File.Exists(file + ".3"));
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".manifest.json");
        }
    }

    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"served-export-{Guid.NewGuid():N}.jsonl");
}
