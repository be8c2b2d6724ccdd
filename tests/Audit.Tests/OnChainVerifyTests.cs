using System.Numerics;
using System.Security.Cryptography;
using CommunityAI.Audit.Chain;
using CommunityAI.Testing;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// <c>verify</c> against the RewardDistributor and token the real chain-bridge deployed and published a root to, with
/// one real claim paid: the clean chain passes, and each attack a key holder could make on chain is named.
/// </summary>
public sealed class OnChainVerifyTests(AuditedSystem system) : IClassFixture<AuditedSystem>
{
    // anvil's account 9 is the development deployment's admin, account 0 the bridge's anchoring and publishing key.
    private static string AdminKey => AnvilNode.DevPrivateKeys[9];
    private static string PublisherKey => AnvilNode.DevPrivateKeys[0];
    private static string Attacker => AnvilNode.DevAddresses[6];

    [Fact]
    public async Task A_clean_chain_verifies_roots_claims_mints_and_supply_reading_logs_from_the_deployment_block_in_small_pages()
    {
        var run = await AuditRun.RunAsync(["verify", "--database", system.Database, .. system.ChainArgs, "--log-range", "3", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var chain = run.Json.GetProperty("chain");
        var latest = await system.Chain.BlockNumberAsync();
        // From the history's ContractsDeployed (the first deployment transaction's block), not from block 0.
        var deployed = await DeploymentBlockAsync();
        Assert.True(deployed >= 1);
        Assert.Equal(deployed, chain.GetProperty("fromBlock").GetUInt64());
        Assert.Equal(latest, chain.GetProperty("toBlock").GetUInt64());
        var pages = (latest - chain.GetProperty("fromBlock").GetUInt64()) / 3 + 1;
        // Six event kinds (anchors, roots, vetoes, claims, mints, minter grants), each read page by page.
        Assert.Equal((long)(6 * pages), chain.GetProperty("logQueries").GetInt64());
        Assert.Equal(system.DistributorAddress, chain.GetProperty("distributor").GetString(), ignoreCase: true);
        var findings = Findings(run);
        Assert.True(findings["claim root epoch 1"].Passed, run.ToString());
        Assert.Contains("1 claims paid", findings["claims"].Detail, StringComparison.Ordinal);
        Assert.Contains($"total supply {system.Claim.Amount} equals", findings["token supply"].Detail, StringComparison.Ordinal);
        Assert.True(findings["mints"].Passed);
    }

    [Fact]
    public async Task An_admin_that_makes_itself_a_minter_and_mints_is_named_and_fails_the_audit()
    {
        var snapshot = await system.Chain.SnapshotAsync();
        try
        {
            var admin = new Web3(new Account(AdminKey, AnvilNode.ChainId), system.Chain.RpcUrl);
            var granted = await admin.Eth.GetContractTransactionHandler<CommunityTokenAbi.GrantRoleFunction>().SendRequestAndWaitForReceiptAsync(
                system.TokenAddress, new CommunityTokenAbi.GrantRoleFunction { Role = CommunityTokenAbi.MinterRole, Account = Attacker });
            var attacker = new Web3(new Account(AnvilNode.DevPrivateKeys[6], AnvilNode.ChainId), system.Chain.RpcUrl);
            var stolen = BigInteger.Pow(10, 24);
            var minted = await attacker.Eth.GetContractTransactionHandler<CommunityTokenAbi.MintFunction>().SendRequestAndWaitForReceiptAsync(
                system.TokenAddress, new CommunityTokenAbi.MintFunction { To = Attacker, Amount = stolen });
            Assert.Equal(1UL, (ulong)minted.Status.Value);

            var run = await AuditRun.RunAsync(["verify", "--database", system.Database, .. system.ChainArgs, "--json"]);

            Assert.True(run.ExitCode == 1, run.ToString());
            var findings = Findings(run);
            var grant = findings[$"minter {Attacker}"];
            Assert.False(grant.Passed);
            Assert.Contains(granted.TransactionHash, grant.Detail, StringComparison.Ordinal);
            Assert.Contains(AnvilNode.DevAddresses[9], grant.Detail, StringComparison.OrdinalIgnoreCase);
            Assert.False(findings["mints"].Passed);
            Assert.Contains(minted.TransactionHash, findings["mints"].Detail, StringComparison.Ordinal);
            Assert.False(findings["token supply"].Passed);
            Assert.Contains($"({stolen} more)", findings["token supply"].Detail, StringComparison.Ordinal);
        }
        finally
        {
            await system.Chain.RevertAsync(snapshot);
        }
    }

    [Fact]
    public async Task A_root_published_on_chain_that_is_not_in_the_history_is_named()
    {
        var snapshot = await system.Chain.SnapshotAsync();
        try
        {
            // A stolen publisher key publishes an epoch the ledger never closed, with a root and total of its choosing.
            var publisher = new Web3(new Account(PublisherKey, AnvilNode.ChainId), system.Chain.RpcUrl);
            var forged = RandomNumberGenerator.GetBytes(32);
            var receipt = await publisher.Eth.GetContractTransactionHandler<PublishRootFunction>().SendRequestAndWaitForReceiptAsync(
                system.DistributorAddress, new PublishRootFunction { Epoch = 2, Root = forged, CumulativeTotal = BigInteger.Pow(10, 27) });
            Assert.Equal(1UL, (ulong)receipt.Status.Value);

            var run = await AuditRun.RunAsync(["verify", "--database", system.Database, .. system.ChainArgs, "--json"]);

            Assert.True(run.ExitCode == 1, run.ToString());
            var finding = Findings(run)[$"claim root epoch 2 (tx {receipt.TransactionHash})"];
            Assert.False(finding.Passed);
            Assert.Contains("a root not in the history", finding.Detail, StringComparison.Ordinal);
            Assert.True(Findings(run)["claim root epoch 1"].Passed, run.ToString());
        }
        finally
        {
            await system.Chain.RevertAsync(snapshot);
        }
    }

    [Fact]
    public async Task A_history_whose_closing_no_longer_matches_the_root_on_chain_is_named()
    {
        var clone = await system.CloneAsync();
        await AuditedSystem.ExecuteAsync(clone, $$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{claimRoot}', '"{{CommunityAI.Formats.Hex.Encode(new byte[32])}}"')
            WHERE type = 'epoch_closed' AND (data->>'epoch')::bigint = 1
            """);

        var run = await AuditRun.RunAsync(["verify", "--database", clone, .. system.ChainArgs, "--json"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        var finding = Findings(run)["claim root epoch 1"];
        Assert.False(finding.Passed);
        Assert.Contains("EpochClosed (log index", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_log_range_is_a_usage_error()
    {
        var run = await AuditRun.RunAsync(["verify", "--database", system.Database, .. system.ChainArgs, "--log-range", "0"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--log-range", run.Error, StringComparison.Ordinal);
    }

    private async Task<ulong> DeploymentBlockAsync()
    {
        await using var connection = new NpgsqlConnection(system.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (data->>'deploymentBlock')::bigint FROM history.mt_events WHERE type = 'contracts_deployed' ORDER BY seq_id LIMIT 1", connection);
        return (ulong)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The findings by check name; a root's check is also reachable as "claim root epoch N".</summary>
    private static Dictionary<string, (bool Passed, string Detail)> Findings(AuditRun run)
    {
        var findings = new Dictionary<string, (bool, string)>(StringComparer.Ordinal);
        foreach (var f in run.Json.GetProperty("findings").EnumerateArray())
        {
            var check = f.GetProperty("check").GetString()!;
            var value = (f.GetProperty("passed").GetBoolean(), f.GetProperty("detail").GetString()!);
            findings[check] = value;
            if (check.StartsWith("claim root epoch ", StringComparison.Ordinal) && check.IndexOf(" (tx", StringComparison.Ordinal) is > 0 and var end)
                findings.TryAdd(check[..end], value);
        }
        return findings;
    }

    [Function("publishRoot")]
    private sealed class PublishRootFunction : FunctionMessage
    {
        [Parameter("uint64", "epoch", 1)]
        public ulong Epoch { get; set; }

        [Parameter("bytes32", "root", 2)]
        public byte[] Root { get; set; } = [];

        [Parameter("uint256", "cumulativeTotal", 3)]
        public BigInteger CumulativeTotal { get; set; }
    }
}
