using System.Diagnostics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Nethereum.Util;
using Nethereum.Contracts;

namespace ChainBridge.IntegrationTests;

public sealed class SolidityArtifactsTests
{
    private static readonly string SolidityDirectory = Path.Combine(RepositoryRoot.Find(), "services", "ChainBridge", "Solidity");

    [Fact]
    public async Task Checked_in_artifacts_match_a_fresh_compile_of_the_contracts()
    {
        var start = new ProcessStartInfo("node", ["services/ChainBridge/Solidity/compile.mjs", "--check"])
        {
            WorkingDirectory = RepositoryRoot.Find(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process node;
        try
        {
            node = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception) when (Environment.GetEnvironmentVariable("CI") is null)
        {
            // No node on this machine: the compile check runs in CI, where its absence fails the test.
            return;
        }
        using (node)
        {
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync();
            Assert.True(node.ExitCode == 0, $"compile.mjs --check exited with {node.ExitCode}:\n{await stdout}{await stderr}");
        }
    }

    [Theory]
    [InlineData("HistoryAnchor")]
    [InlineData("CommunityToken")]
    [InlineData("RewardDistributor")]
    public void The_embedded_artifact_is_the_checked_in_file(string contractName)
    {
        var embedded = ContractArtifacts.Load(contractName);
        var file = File.ReadAllText(Path.Combine(SolidityDirectory, "artifacts", $"{contractName}.json"));

        Assert.Equal(contractName, embedded.ContractName);
        Assert.Contains($"\"bytecode\": \"{embedded.Bytecode}\"", file, StringComparison.Ordinal);
        Assert.Contains($"\"deployedBytecode\": \"{embedded.DeployedBytecode}\"", file, StringComparison.Ordinal);
    }

    [Fact]
    public void The_anchor_event_keeps_the_signature_auditors_filter_on()
    {
        var abi = new ContractBuilder(ContractArtifacts.HistoryAnchor.Abi, null).ContractABI;
        var anchored = Assert.Single(abi.Events, e => e.Name == "TreeHeadAnchored");

        Assert.Equal(Sha3Keccack.Current.CalculateHash("TreeHeadAnchored(uint64,bytes32)"), anchored.Sha3Signature);
        Assert.Equal([("treeSize", true), ("rootHash", false)], anchored.InputParameters.Select(p => (p.Name, p.Indexed)));
    }
}
