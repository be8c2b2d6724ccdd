using Microsoft.Extensions.Options;
using Nethereum.Web3;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// The node's latest block for the bridge's loops (anchoring, claim roots, the revenue watcher), read from the node at
/// most once per <see cref="ChainOptions.HeadPoll"/>: within it, every caller gets the block read last. Each loop asked
/// the node at every tick of its own (four, two and half a time a second), so an idle bridge sent some 560,000 requests
/// a day for the latest block alone to an RPC endpoint that counts them, more than many a free tier's allowance.
/// </summary>
public sealed class ChainHead(Func<IWeb3> node, IOptions<ChainOptions> options, TimeProvider clock)
{
    private sealed record Read(BlockRef Block, long At);

    // Replaced whole, so a reader sees a block with the moment it was read; two loops asking at once may both read.
    private Read? _last;

    /// <summary>The latest block, as the node answered within the last <see cref="ChainOptions.HeadPoll"/>.</summary>
    public async Task<BlockRef> LatestAsync(CancellationToken ct)
    {
        var now = clock.GetTimestamp();
        if (Volatile.Read(ref _last) is { } last && clock.GetElapsedTime(last.At, now) < options.Value.HeadPoll)
            return last.Block;
        var block = await CanonicalChain.LatestBlockAsync(node(), ct);
        Volatile.Write(ref _last, new Read(block, now));
        return block;
    }
}
