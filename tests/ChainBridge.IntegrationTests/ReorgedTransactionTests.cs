using System.Diagnostics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// A reorg that takes the block of a transaction whose receipt the sender has not read yet. anvil does not put such a
/// transaction back in its pool, so its receipt never comes: the sender used to wait for it until its timeout, holding
/// the account (the claim-root reorg tests stalled this way when the first anchor was mined just before the reorg).
/// The chain mines only when told to, so the reorg lands between two of the sender's looks.
/// </summary>
public sealed class ReorgedTransactionTests(IdleChain chain) : IClassFixture<IdleChain>
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_transaction_a_reorg_took_away_before_its_receipt_was_read_is_sent_again_with_the_same_nonce()
    {
        using var signer = TransactionSender.Create(chain.RpcUrl, AnvilNode.DevPrivateKeys[6], AnvilNode.ChainId);
        // Far below the old behaviour's wait: a sender that waited for the lost receipt fails with a timeout here.
        using var sender = new TransactionSender(signer.Web3) { ReceiptPollInterval = Poll, ReceiptTimeout = TimeSpan.FromSeconds(40) };
        var nonce = await NonceAsync("latest");
        var elapsed = Stopwatch.StartNew();

        var sending = sender.DeployAsync(ContractArtifacts.HistoryAnchor, [AnvilNode.DevAddresses[6], AnvilNode.DevAddresses[6]]);
        var first = await Eventually.MatchesAsync(() => PendingHashAsync(), h => h is not null, "the transaction in the pool", TimeSpan.FromSeconds(10));
        await chain.MineAsync();
        Assert.Equal(nonce + 1, await NonceAsync("latest"));
        await chain.ReorgAsync(1);
        Assert.Equal(nonce, await NonceAsync("latest"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await chain.RpcAsync("eth_getTransactionByHash", first!)).ValueKind);
        await chain.RpcAsync("evm_setAutomine", true);

        var sent = await sending;

        var inclusion = await CanonicalChain.FindAsync(new Web3(chain.RpcUrl), sent.TransactionHash);
        Assert.True(inclusion is { Succeeded: true }, $"{sent.TransactionHash} is not on the canonical chain");
        var mined = await chain.RpcAsync("eth_getTransactionByHash", sent.TransactionHash);
        Assert.Equal(nonce, Convert.ToUInt64(mined.GetProperty("nonce").GetString(), 16));
        Assert.Equal(nonce + 1, await NonceAsync("latest"));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(30), $"sent again only after {elapsed.Elapsed}");
    }

    private async Task<string?> PendingHashAsync()
    {
        var pool = await chain.RpcAsync("txpool_content");
        foreach (var account in pool.GetProperty("pending").EnumerateObject())
            foreach (var transaction in account.Value.EnumerateObject())
                return transaction.Value.GetProperty("hash").GetString();
        return null;
    }

    private async Task<ulong> NonceAsync(string block) =>
        Convert.ToUInt64((await chain.RpcAsync("eth_getTransactionCount", AnvilNode.DevAddresses[6], block)).GetString(), 16);
}
