using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>Reads of the node's current canonical chain, to follow confirmations and notice reorgs.</summary>
public static class CanonicalChain
{
    public static async Task<BlockRef> LatestBlockAsync(IWeb3 web3, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber
            .SendRequestAsync(BlockParameter.CreateLatest()).WaitAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The node returned no latest block.");
        return new BlockRef((ulong)block.Number.Value, block.BlockHash);
    }

    /// <summary>Where the chain holds <paramref name="transactionHash"/>, or null when no canonical block does (dropped or never mined).</summary>
    public static async Task<TransactionInclusion?> FindAsync(IWeb3 web3, string transactionHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionHash);
        var receipt = await web3.Eth.Transactions.GetTransactionReceipt
            .SendRequestAsync(transactionHash).WaitAsync(cancellationToken).ConfigureAwait(false);
        return receipt?.BlockHash is null || receipt.BlockNumber is null
            ? null
            : new TransactionInclusion((ulong)receipt.BlockNumber.Value, receipt.BlockHash, receipt.Status?.Value == 1);
    }
}
