using System.Diagnostics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Nethereum.JsonRpc.Client;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// A reorg that takes the block of a transaction whose receipt the sender has not read yet. anvil does not put such a
/// transaction back in its pool, so its receipt never comes: the sender used to wait for it until its timeout, holding
/// the account (the claim-root reorg tests stalled this way when the first anchor was mined just before the reorg).
/// The chain mines only when told to, and the sender's receipt requests wait for the reorg, so it lands where it must.
/// </summary>
public sealed class ReorgedTransactionTests(IdleChain chain) : IClassFixture<IdleChain>
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_transaction_a_reorg_took_away_before_its_receipt_was_read_is_sent_again_with_the_same_nonce()
    {
        using var signer = TransactionSender.Create(chain.RpcUrl, AnvilNode.DevPrivateKeys[6], AnvilNode.ChainId);
        // The sender's receipt requests wait until the reorg is done, so it cannot read the receipt in between.
        var gate = new ReceiptGate();
        signer.Web3.Client.OverridingRequestInterceptor = gate;
        // Far below the old behaviour's wait: a sender that waited for the lost receipt fails with a timeout here.
        using var sender = new TransactionSender(signer.Web3) { ReceiptPollInterval = Poll, ReceiptTimeout = TimeSpan.FromSeconds(40) };
        await chain.RpcAsync("evm_setAutomine", false);
        var nonce = await NonceAsync("latest");
        var elapsed = Stopwatch.StartNew();

        var sending = sender.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments(6));
        var first = await Eventually.MatchesAsync(() => PendingHashAsync(), h => h is not null, "the transaction in the pool", TimeSpan.FromSeconds(10));
        await chain.MineAsync();
        Assert.Equal(nonce + 1, await NonceAsync("latest"));
        await chain.ReorgAsync(1);
        Assert.Equal(nonce, await NonceAsync("latest"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await chain.RpcAsync("eth_getTransactionByHash", first!)).ValueKind);
        await chain.RpcAsync("evm_setAutomine", true);
        gate.Open();

        var sent = await sending;

        var inclusion = await CanonicalChain.FindAsync(new Web3(chain.RpcUrl), sent.TransactionHash);
        Assert.True(inclusion is { Succeeded: true }, $"{sent.TransactionHash} is not on the canonical chain");
        var mined = await chain.RpcAsync("eth_getTransactionByHash", sent.TransactionHash);
        Assert.Equal(nonce, Convert.ToUInt64(mined.GetProperty("nonce").GetString(), 16));
        Assert.Equal(nonce + 1, await NonceAsync("latest"));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(30), $"sent again only after {elapsed.Elapsed}");
    }

    [Fact]
    public async Task A_transaction_waiting_in_the_pool_when_a_reorg_took_the_previous_one_does_not_hold_the_account()
    {
        // The previous transaction is mined and its receipt read; the next one waits in the pool when a reorg takes
        // the previous one's block. anvil's pool loses the waiting one, while its pending count still includes it:
        // a sender that trusted that count sent everything after it into a nonce no transaction could reach.
        using var signer = TransactionSender.Create(chain.RpcUrl, AnvilNode.DevPrivateKeys[7], AnvilNode.ChainId);
        using var sender = new TransactionSender(signer.Web3) { ReceiptPollInterval = Poll, ReceiptTimeout = TimeSpan.FromSeconds(40) };
        await chain.RpcAsync("evm_setAutomine", true);
        var previous = await sender.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments(7));
        var nonce = await NonceAsync("latest", 7) - 1;
        await chain.RpcAsync("evm_setAutomine", false);

        var sending = sender.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments(7));
        await Eventually.MatchesAsync(() => PendingHashAsync(), h => h is not null, "the transaction in the pool", TimeSpan.FromSeconds(10));
        await chain.ReorgAsync(1);
        Assert.Null(await CanonicalChain.FindAsync(new Web3(chain.RpcUrl), previous.TransactionHash));
        await chain.RpcAsync("evm_setAutomine", true);

        var sent = await sending;
        var after = await sender.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments(7));

        Assert.True(await CanonicalChain.FindAsync(new Web3(chain.RpcUrl), sent.TransactionHash) is { Succeeded: true });
        Assert.True(await CanonicalChain.FindAsync(new Web3(chain.RpcUrl), after.TransactionHash) is { Succeeded: true });
        Assert.Equal(nonce + 2, await NonceAsync("latest", 7));
    }

    [Fact]
    public async Task A_hole_that_opens_again_after_it_was_filled_is_filled_again()
    {
        // Seen under reorgs every 1.5 s: the transaction waits behind a hole a reorg made, the first filler is mined,
        // the next reorg takes its block while the later fillers wait behind it, and the hole is open again. A sender
        // that filled only once held the account until its timeout. The gate holds chosen sends so each step lands
        // in order.
        using var signer = TransactionSender.Create(chain.RpcUrl, AnvilNode.DevPrivateKeys[8], AnvilNode.ChainId);
        var gate = new SendGate();
        signer.Web3.Client.OverridingRequestInterceptor = gate;
        using var sender = new TransactionSender(signer.Web3) { ReceiptPollInterval = TimeSpan.FromMilliseconds(500), ReceiptTimeout = TimeSpan.FromSeconds(40) };
        await chain.RpcAsync("evm_setAutomine", true);
        await sender.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments(8));
        await sender.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments(8));
        var nonce = await NonceAsync("latest", 8) - 2;
        var elapsed = Stopwatch.StartNew();

        // The third is signed with nonce + 2; a reorg takes the first two before it reaches the node.
        gate.Holding = true;
        var sending = sender.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments(8));
        var third = await gate.NextHeldAsync();
        await chain.ReorgAsync(2);
        Assert.Equal(nonce, await NonceAsync("latest", 8));
        third.SetResult();

        // The sender fills the hole: the first filler is mined, then a reorg takes it while the second one waits.
        (await gate.NextHeldAsync()).SetResult();
        var second = await gate.NextHeldAsync();
        await Eventually.MatchesAsync(() => NonceAsync("latest", 8), n => n == nonce + 1, "the first filler mined", TimeSpan.FromSeconds(10));
        await chain.ReorgAsync(1);
        Assert.Equal(nonce, await NonceAsync("latest", 8));
        gate.Holding = false;
        second.SetResult();

        var sent = await sending;

        Assert.True(await CanonicalChain.FindAsync(new Web3(chain.RpcUrl), sent.TransactionHash) is { Succeeded: true });
        Assert.Equal(nonce + 3, await NonceAsync("latest", 8));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(30), $"mined only after {elapsed.Elapsed}");
    }

    private async Task<string?> PendingHashAsync()
    {
        var pool = await chain.RpcAsync("txpool_content");
        foreach (var account in pool.GetProperty("pending").EnumerateObject())
            foreach (var transaction in account.Value.EnumerateObject())
                return transaction.Value.GetProperty("hash").GetString();
        return null;
    }

    /// <summary>Holds every <c>eth_getTransactionReceipt</c> until <see cref="Open"/>.</summary>
    private sealed class ReceiptGate : RequestInterceptor
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public override async Task<object> InterceptSendRequestAsync<T>(Func<RpcRequest, string, Task<T>> interceptedSendRequestAsync, RpcRequest request, string? route = null)
        {
            if (request.Method == "eth_getTransactionReceipt")
                await _open.Task.WaitAsync(TimeSpan.FromMinutes(2)); // a test that failed before opening leaves no caller waiting for ever
            return (await interceptedSendRequestAsync(request, route!))!;
        }
    }

    /// <summary>Holds every <c>eth_sendRawTransaction</c> while <see cref="Holding"/>, each until the test releases it.</summary>
    private sealed class SendGate : RequestInterceptor
    {
        private readonly System.Threading.Channels.Channel<TaskCompletionSource> _held = System.Threading.Channels.Channel.CreateUnbounded<TaskCompletionSource>();

        private volatile bool _holding;

        public bool Holding { get => _holding; set => _holding = value; }

        public async Task<TaskCompletionSource> NextHeldAsync() =>
            await _held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        public override async Task<object> InterceptSendRequestAsync<T>(Func<RpcRequest, string, Task<T>> interceptedSendRequestAsync, RpcRequest request, string? route = null)
        {
            if (request.Method == "eth_sendRawTransaction" && Holding)
            {
                var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _held.Writer.TryWrite(release);
                await release.Task.WaitAsync(TimeSpan.FromMinutes(2)); // likewise for a test that failed before releasing
            }
            return (await interceptedSendRequestAsync(request, route!))!;
        }
    }

    private async Task<ulong> NonceAsync(string block, int account = 6) =>
        Convert.ToUInt64((await chain.RpcAsync("eth_getTransactionCount", AnvilNode.DevAddresses[account], block)).GetString(), 16);

    // HistoryAnchor(admin, guardian, anchorer, maxTreeGrowth): any deployment will do, the test is about the sender.
    private static object[] AnchorArguments(int key) =>
        [AnvilNode.DevAddresses[key], AnvilNode.DevAddresses[key], AnvilNode.DevAddresses[key], new System.Numerics.BigInteger(1UL << 32)];
}
