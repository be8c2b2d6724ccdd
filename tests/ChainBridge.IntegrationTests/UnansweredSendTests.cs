using System.Diagnostics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Nethereum.JsonRpc.Client;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// A node that takes a transaction and never answers (overloaded, or a proxy that hangs): the sender gives up within its
/// receipt limit instead of holding the account, and every transaction after it, for as long as its caller waits (the
/// anchorer's caller waits for ever). Once the node answers again, the next transaction is mined.
/// </summary>
public sealed class UnansweredSendTests(AnvilNode chain) : IClassFixture<AnvilNode>
{
    [Fact]
    public async Task A_send_the_node_never_answers_fails_within_the_receipt_limit_and_the_next_one_is_mined()
    {
        using var signer = TransactionSender.Create(chain.RpcUrl, AnvilNode.DevPrivateKeys[5], AnvilNode.ChainId);
        var silence = new SilentSends();
        signer.Web3.Client.OverridingRequestInterceptor = silence;
        var limit = TimeSpan.FromSeconds(3);
        using var sender = new TransactionSender(signer.Web3) { ReceiptTimeout = limit };
        var web3 = new Web3(chain.RpcUrl);
        var nonce = (await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(AnvilNode.DevAddresses[5])).Value;

        var elapsed = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<TimeoutException>(() => sender.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments()));
        // Well inside the silence's own two minutes, which is how long a sender without the bound waited here.
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(60), $"gave up only after {elapsed.Elapsed}");
        Assert.Contains("deploy HistoryAnchor was not sent and mined within", refused.Message);
        Assert.Equal(1, silence.Held);
        Assert.Equal(nonce, (await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(AnvilNode.DevAddresses[5])).Value);

        silence.Answer();
        var sent = await sender.DeployAsync(ContractArtifacts.HistoryAnchor, AnchorArguments()).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(await CanonicalChain.FindAsync(web3, sent.TransactionHash) is { Succeeded: true }, $"{sent.TransactionHash} is not on the canonical chain");
        Assert.Equal(nonce + 1, (await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(AnvilNode.DevAddresses[5])).Value);
    }

    // HistoryAnchor(admin, guardian, anchorer, maxTreeGrowth): any deployment will do, the test is about the sender.
    private static object[] AnchorArguments() =>
        [AnvilNode.DevAddresses[5], AnvilNode.DevAddresses[5], AnvilNode.DevAddresses[5], new System.Numerics.BigInteger(1UL << 32)];

    /// <summary>
    /// Holds every <c>eth_sendRawTransaction</c> unanswered until <see cref="Answer"/>; the held ones then fail without
    /// reaching the node (a late answer racing the next send is a different test: the reorg tests'), later ones go through.
    /// </summary>
    private sealed class SilentSends : RequestInterceptor
    {
        private readonly TaskCompletionSource _answering = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _held;

        public int Held => Volatile.Read(ref _held);

        public void Answer() => _answering.TrySetResult();

        public override async Task<object> InterceptSendRequestAsync<T>(Func<RpcRequest, string, Task<T>> interceptedSendRequestAsync, RpcRequest request, string? route = null)
        {
            if (request.Method == "eth_sendRawTransaction" && !_answering.Task.IsCompleted)
            {
                Interlocked.Increment(ref _held);
                // A sender that waits for this answer waits two minutes, not for ever, if the test fails first.
                await _answering.Task.WaitAsync(TimeSpan.FromMinutes(2));
                throw new RpcClientUnknownException("the node never answered this send");
            }
            return (await interceptedSendRequestAsync(request, route!))!;
        }
    }
}
