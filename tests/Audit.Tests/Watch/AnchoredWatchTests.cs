using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Notes;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.Audit.Tests.Watch;

/// <summary>
/// <c>watch</c> and <c>witness</c> with the chain: a history logged and anchored on anvil by the real chain-bridge. A copy
/// of its log served honestly agrees with every anchor; one rewritten between two anchors is caught at the anchor it
/// breaks, though it is signed with the log's key and no monitor saw it before. The real bridge serves checkpoints and
/// tiles a witness verifies against the chain and cosigns, and a client requiring that witness then accepts the head.
/// </summary>
public sealed class AnchoredWatchTests(AuditedSystem system) : IClassFixture<AuditedSystem>
{
    private static readonly NoteSigner Operator = new("log.example/anchored", Enumerable.Repeat((byte)13, 32).ToArray());

    [Fact]
    public async Task An_honest_copy_of_the_log_is_consistent_with_every_anchored_head()
    {
        var entries = await system.LoggedEntriesAsync();
        await using var server = await LogServer.StartAsync(new ServedLog(entries, Operator));

        var run = await WatchAsync(server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"verified head {entries.Count} ", run.Output, StringComparison.Ordinal);
        Assert.Contains($"({system.Anchors.Count} anchors consistent)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_head_rewritten_between_two_anchors_is_caught_at_the_anchor_it_breaks()
    {
        var sizes = system.Anchors.Select(a => a.TreeSize).Distinct().Order().ToList();
        Assert.True(sizes.Count >= 2, "the audited system anchors at least twice");
        var entries = await system.LoggedEntriesAsync();
        // The first entry after the first anchor: the first anchor still agrees, the next one does not.
        entries[(int)sizes[0]] = [.. entries[(int)sizes[0]], (byte)' '];
        await using var server = await LogServer.StartAsync(new ServedLog(entries, Operator));

        var run = await WatchAsync(server);

        Assert.Equal(1, run.ExitCode);
        var (size, tx) = system.Anchors.First(a => a.TreeSize > sizes[0]);
        Assert.Contains($"rewrites the head of size {size} anchored on chain in tx {tx}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_witness_verifies_the_real_bridges_head_against_the_chain_cosigns_it_and_the_bridge_serves_the_cosignature()
    {
        var clone = await system.CloneAsync();
        var broker = await RabbitServer.CreateVirtualHostAsync("witness");
        var keyFile = Path.Combine(Path.GetTempPath(), $"witness-{Guid.NewGuid():N}.key");
        try
        {
            await using var bridge = new CheckpointingBridge(clone, broker);
            bridge.UseKestrel(0);
            bridge.StartServer();
            var client = bridge.CreateClient();
            var url = client.BaseAddress!.ToString();
            await WaitForLogAsync(client, await system.CountAsync(clone));
            await File.WriteAllTextAsync(keyFile, CheckpointingBridge.Witness.ToPrivateKey());
            string[] log = ["--url", url, "--log-key", CheckpointingBridge.LogKey.Key.ToString(), "--once"];
            string[] requireWitness = ["--witness-key", CheckpointingBridge.Witness.Key.ToString(), "--witnesses-required", "1"];

            var before = await AuditRun.RunAsync(["watch", .. log, .. requireWitness]);
            var witness = await AuditRun.RunAsync(["witness", .. log, "--key-file", keyFile, .. system.ChainArgs]);
            var after = await AuditRun.RunAsync(["watch", .. log, .. requireWitness, .. system.ChainArgs]);

            Assert.Equal(1, before.ExitCode);
            Assert.Contains("from 0 of the 1 witnesses required", before.Output, StringComparison.Ordinal);
            Assert.True(witness.ExitCode == 0, witness.ToString());
            Assert.Contains($"({system.Anchors.Count} anchors consistent)", witness.Output, StringComparison.Ordinal);
            Assert.Contains("as witness.audit.test", witness.Output, StringComparison.Ordinal);
            Assert.True(after.ExitCode == 0, after.ToString());
            var served = await client.GetByteArrayAsync("/checkpoint");
            Assert.True(SignedCheckpoint.Open(served, CheckpointingBridge.LogKey.Key, [CheckpointingBridge.Witness.Key], 1).IsValid);
        }
        finally
        {
            File.Delete(keyFile);
            await RabbitServer.DeleteVirtualHostAsync(broker);
        }
    }

    [Fact]
    public async Task On_a_bridge_requiring_a_witness_the_witness_cosigns_the_newest_head_while_clients_are_served_the_witnessed_one()
    {
        var clone = await system.CloneAsync();
        var broker = await RabbitServer.CreateVirtualHostAsync("witnessed");
        var keyFile = Path.Combine(Path.GetTempPath(), $"witness-{Guid.NewGuid():N}.key");
        var state = Path.Combine(Path.GetTempPath(), $"watch-{Guid.NewGuid():N}.json");
        try
        {
            await using var bridge = new CheckpointingBridge(clone, broker, witnessesRequired: 1);
            bridge.UseKestrel(0);
            bridge.StartServer();
            var client = bridge.CreateClient();
            var logged = await system.CountAsync(clone);
            await WaitForLogAsync(client, logged);
            await File.WriteAllTextAsync(keyFile, CheckpointingBridge.Witness.ToPrivateKey());
            string[] log = ["--url", client.BaseAddress!.ToString(), "--log-key", CheckpointingBridge.LogKey.Key.ToString(), "--once"];
            string[] requireWitness = ["--witness-key", CheckpointingBridge.Witness.Key.ToString(), "--witnesses-required", "1"];

            var first = await AuditRun.RunAsync(["witness", .. log, "--key-file", keyFile]);
            var witnessed = await SizeAsync(client, "/checkpoint");
            // The log moves on: new heads nobody cosigned yet, while clients are served the witnessed one.
            var store = bridge.Services.GetRequiredService<IDocumentStore>();
            await using (var session = store.LightweightSession())
            {
                for (var i = 0; i < 4; i++)
                    session.Events.Append("test/after-witness", new TreeHeadAnchored(i, "0x" + new string('c', 64), AnvilNode.ChainId, "0x" + new string('d', 40), $"later-{i}", i, DateTimeOffset.UnixEpoch));
                await session.SaveChangesAsync();
            }
            await WaitForLogAsync(client, logged + 4);
            var newest = await SizeAsync(client, "/checkpoint/latest");
            var served = await SizeAsync(client, "/checkpoint");
            var behind = await AuditRun.RunAsync(["watch", .. log, .. requireWitness, "--state", state]);
            var second = await AuditRun.RunAsync(["witness", .. log, "--key-file", keyFile]);
            var caughtUp = await AuditRun.RunAsync(["watch", .. log, .. requireWitness, "--state", state]);
            var waitingWitness = await AuditRun.RunAsync(["witness", .. log, .. requireWitness, "--key-file", keyFile]);

            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Contains($"cosigned head {witnessed} as witness.audit.test", first.Output, StringComparison.Ordinal);
            Assert.True(newest >= witnessed + 4, $"the log is at {newest} after the head {witnessed} was witnessed");
            Assert.Equal(witnessed, served);
            Assert.True(behind.ExitCode == 0, behind.ToString());
            Assert.Contains($"verified head {witnessed} ", behind.Output, StringComparison.Ordinal);
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.Contains($"cosigned head {newest} as witness.audit.test", second.Output, StringComparison.Ordinal);
            Assert.True(caughtUp.ExitCode == 0, caughtUp.ToString());
            Assert.Contains($"verified head {newest} ", caughtUp.Output, StringComparison.Ordinal);
            Assert.Equal(2, waitingWitness.ExitCode);
            Assert.Contains("does not apply to witness", waitingWitness.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(keyFile);
            File.Delete(state);
            await RabbitServer.DeleteVirtualHostAsync(broker);
        }
    }

    [Fact]
    public async Task A_watch_over_a_chain_without_new_blocks_asks_the_node_for_its_block_number_only()
    {
        var entries = await system.LoggedEntriesAsync();
        await using var server = await LogServer.StartAsync(new ServedLog(entries, Operator));
        var state = Path.Combine(Path.GetTempPath(), $"watch-{Guid.NewGuid():N}.json");
        try
        {
            var watching = AuditRun.RunAsync(["watch", "--url", server.Url, "--log-key", Operator.Key.ToString(), "--state", state,
                "--interval", "0.1", .. system.ChainArgs]);
            await Eventually.MatchesAsync(() => Task.FromResult(File.Exists(state)), saved => saved, "the first check's head saved", TimeSpan.FromSeconds(30));
            var first = await AskedAsync();
            await Eventually.MatchesAsync(AskedAsync, asked => asked["eth_blockNumber"] >= first["eth_blockNumber"] + 5,
                "five more checks", TimeSpan.FromSeconds(30));
            var idle = await AskedAsync();
            await system.Chain.MineAsync();
            await Eventually.MatchesAsync(AskedAsync, asked => asked["eth_getCode"] > idle["eth_getCode"],
                "the new block read", TimeSpan.FromSeconds(30));
            server.Log = new ServedLog(entries[..^1], Operator); // a log that shrinks ends the watch
            var run = await watching.WaitAsync(TimeSpan.FromSeconds(30));

            // Five checks without a block: each one eth_blockNumber, nothing else (before: the contract's code and its view too).
            Assert.Equal(first["eth_getCode"], idle["eth_getCode"]);
            Assert.Equal(first["eth_call"], idle["eth_call"]);
            Assert.Equal(first["eth_getLogs"], idle["eth_getLogs"]);
            Assert.True(first["eth_getCode"] > 0 && first["eth_getLogs"] > 0, $"the first check read the chain: {string.Join(", ", first)}");
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("the log shrank", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("could not be checked", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(state);
        }
    }

    /// <summary>What the class's node has served so far, by its own log (nothing else talks to it while a test runs).</summary>
    private Task<IReadOnlyDictionary<string, int>> AskedAsync() =>
        system.Chain.ServedAsync("eth_blockNumber", "eth_getCode", "eth_call", "eth_getLogs");

    private static async Task<long> SizeAsync(HttpClient client, string path) =>
        SignedCheckpoint.Open(await client.GetByteArrayAsync(path), CheckpointingBridge.LogKey.Key).Checkpoint!.TreeSize;

    private Task<AuditRun> WatchAsync(LogServer server) =>
        AuditRun.RunAsync(["watch", "--url", server.Url, "--log-key", Operator.Key.ToString(), "--once", .. system.ChainArgs]);

    internal static async Task WaitForLogAsync(HttpClient client, long size)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await client.GetFromJsonAsync<JsonElement>("/api/log/head")).GetProperty("treeSize").GetInt64() < size)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the bridge did not log {size} entries");
            await Task.Delay(100);
        }
    }
}
