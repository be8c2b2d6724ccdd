using System.Globalization;
using System.Text.Json;
using CommunityAI.Audit.Tests.Watch;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// Every command that reads anchors works through a node that answers like a public provider (log queries over a
/// bounded range of blocks, none from "earliest"), on a chain a few pages longer than the history's anchors: each reads
/// from the anchor's deployment block, found on chain when nobody gave it, in bounded pages. Before, export, prove,
/// verify-inclusion/consistency and watch asked for every log since block 0 in one query, which such a node refuses.
/// The scale is a provider's divided by 20 (100-block pages instead of 2,000, a chain 300 blocks longer) because
/// anvil mines a few hundred empty blocks a second on a loaded machine.
/// </summary>
public sealed class BoundedChainReadTests(AuditedSystem system) : IClassFixture<AuditedSystem>
{
    private const int Page = 100;
    private const int ExtraBlocks = 3 * Page;
    private static readonly NoteSigner Operator = new("log.example/bounded", Enumerable.Repeat((byte)17, 32).ToArray());

    [Fact]
    public async Task Export_lists_every_anchor_read_in_provider_sized_pages_from_the_deployment_block()
    {
        await using var rpc = await ProviderAsync();
        var file = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.jsonl");
        try
        {
            var run = await AuditRun.RunAsync(["export", "--database", system.Database, "--output", file, .. ChainArgs(rpc), "--json"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            var anchors = run.Json.GetProperty("anchors").EnumerateArray().ToList();
            Assert.Equal(system.Anchors.Select(a => a.TxHash), anchors.Select(a => a.GetProperty("transactionHash").GetString()));
            Assert.All(anchors, a => Assert.True(a.GetProperty("matchesExport").GetBoolean()));
            AssertReadLikeAProvider(rpc);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".manifest.json");
        }
    }

    [Fact]
    public async Task Prove_and_the_proof_file_checks_find_the_anchors_through_a_provider()
    {
        await using var rpc = await ProviderAsync();

        var prove = await AuditRun.RunAsync(["prove", system.ContributionIds[1], "--database", system.Database, .. ChainArgs(rpc), "--json"]);
        var inclusion = await OnFileAsync("verify-inclusion", system.InclusionProofs[^1], ChainArgs(rpc));
        var consistency = await OnFileAsync("verify-consistency", system.ConsistencyProofs[^1], ChainArgs(rpc));

        Assert.True(prove.ExitCode == 0, prove.ToString());
        Assert.Equal(system.Anchors[^1].TxHash, prove.Json.GetProperty("anchor").GetProperty("transactionHash").GetString());
        Assert.True(inclusion.ExitCode == 0, inclusion.ToString());
        Assert.True(consistency.ExitCode == 0, consistency.ToString());
        AssertReadLikeAProvider(rpc);
    }

    [Fact]
    public async Task Watch_checks_the_anchors_through_a_provider()
    {
        await using var rpc = await ProviderAsync();
        await using var server = await LogServer.StartAsync(new ServedLog(await system.LoggedEntriesAsync(), Operator));

        var run = await AuditRun.RunAsync(["watch", "--url", server.Url, "--log-key", Operator.Key.ToString(), "--once", .. ChainArgs(rpc)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"({system.Anchors.Count} anchors consistent)", run.Output, StringComparison.Ordinal);
        AssertReadLikeAProvider(rpc);
    }

    [Fact]
    public async Task A_smaller_log_range_is_honoured_and_a_node_without_past_state_needs_the_first_block_given()
    {
        await using var rpc = await ProviderAsync();
        var small = await OnFileAsync("verify-inclusion", system.InclusionProofs[0], [.. ChainArgs(rpc, logRange: 25)]);
        Assert.True(small.ExitCode == 0, small.ToString());
        Assert.All(rpc.LogQueries, q => Assert.True(Block(q.To) - Block(q.From) + 1 <= 25, $"{q.From}-{q.To}"));
        Assert.True(rpc.LogQueries.Count >= ExtraBlocks / 25, $"{rpc.LogQueries.Count} queries");

        rpc.NoPastState = true;
        var unknownStart = await OnFileAsync("verify-inclusion", system.InclusionProofs[0], ChainArgs(rpc));
        var givenStart = await OnFileAsync("verify-inclusion", system.InclusionProofs[0], [.. ChainArgs(rpc), "--from-block", "0"]);
        var defaultRange = await OnFileAsync("verify-inclusion", system.InclusionProofs[0], ["--rpc", rpc.Url, "--anchor", system.AnchorAddress, "--from-block", "0"]);

        Assert.Equal(1, unknownStart.ExitCode);
        Assert.Contains("give --from-block or --network-file", unknownStart.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", unknownStart.Error, StringComparison.Ordinal);
        Assert.True(givenStart.ExitCode == 0, givenStart.ToString());
        // A node refusing a query is a failed check naming the blocks, not a crash.
        Assert.Equal(1, defaultRange.ExitCode);
        Assert.Contains("try a smaller --log-range", defaultRange.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_range_of_zero_and_a_from_block_without_a_chain_are_usage_errors()
    {
        var zero = await OnFileAsync("verify-inclusion", system.InclusionProofs[0], [.. system.ChainArgs, "--log-range", "0"]);
        var alone = await OnFileAsync("verify-inclusion", system.InclusionProofs[0], ["--from-block", "3"]);

        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--log-range", zero.Error, StringComparison.Ordinal);
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--from-block needs --rpc", alone.Error, StringComparison.Ordinal);
    }

    private string[] ChainArgs(ProviderLikeRpc rpc, int logRange = Page) =>
        ["--rpc", rpc.Url, "--anchor", system.AnchorAddress, "--log-range", logRange.ToString(CultureInfo.InvariantCulture)];

    /// <summary>A provider-like node in front of the fixture's anvil, whose chain is first made a few pages longer.</summary>
    private async Task<ProviderLikeRpc> ProviderAsync()
    {
        var latest = Block((await system.Chain.RpcAsync("eth_blockNumber")).GetString()!);
        if (latest < ExtraBlocks)
            await system.Chain.RpcAsync("anvil_mine", $"0x{ExtraBlocks:x}");
        return await ProviderLikeRpc.StartAsync(system.Chain.RpcUrl, Page);
    }

    private static void AssertReadLikeAProvider(ProviderLikeRpc rpc)
    {
        Assert.Equal(0, rpc.Refused);
        Assert.NotEmpty(rpc.LogQueries);
        Assert.All(rpc.LogQueries, q =>
        {
            Assert.True(Block(q.To) - Block(q.From) + 1 <= Page, $"{q.From}-{q.To}");
            Assert.True(Block(q.From) > 0, "read from the deployment block, not block 0");
        });
    }

    private static ulong Block(string hex) => ulong.Parse(hex[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static async Task<AuditRun> OnFileAsync(string command, string json, string[] extra)
    {
        var file = Path.Combine(Path.GetTempPath(), $"proof-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            return await AuditRun.RunAsync([command, "--file", file, .. extra]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
