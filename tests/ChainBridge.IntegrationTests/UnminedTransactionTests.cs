using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;

namespace ChainBridge.IntegrationTests;

/// <summary>A node that never mines our transaction, then forgets it (as a restarted node forgets its pool).</summary>
public sealed class UnminedTransactionTests(IdleChain chain) : IClassFixture<IdleChain>
{
    [Fact]
    public async Task A_transaction_that_is_never_mined_times_out_and_the_next_one_reuses_its_nonce_once_the_node_forgot_it()
    {
        using var sender = TransactionSender.Create(chain.RpcUrl, AnvilNode.DevPrivateKeys[3], AnvilNode.ChainId);
        using var timingOut = new TransactionSender(sender.Web3) { ReceiptTimeout = TimeSpan.FromSeconds(1) };
        var nonce = await NonceAsync();

        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => timingOut.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments));
        Assert.Contains("was not mined", error.Message, StringComparison.Ordinal);

        // The node forgets its pool, as a restarted node would; mining resumes.
        await chain.RpcAsync("anvil_dropAllTransactions");
        await chain.RpcAsync("evm_setAutomine", true);
        var sent = await sender.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments);

        var mined = await chain.RpcAsync("eth_getTransactionByHash", sent.TransactionHash);
        Assert.Equal(nonce, Convert.ToUInt64(mined.GetProperty("nonce").GetString(), 16));
        Assert.Equal(nonce + 1, await NonceAsync());
    }

    // admin, guardian, anchorer, max tree growth
    private static object[] AnchorArguments => [AnvilNode.DevAddresses[3], AnvilNode.DevAddresses[3], AnvilNode.DevAddresses[3], new System.Numerics.BigInteger(1000)];

    private async Task<ulong> NonceAsync() =>
        Convert.ToUInt64((await chain.RpcAsync("eth_getTransactionCount", AnvilNode.DevAddresses[3], "latest")).GetString(), 16);
}
