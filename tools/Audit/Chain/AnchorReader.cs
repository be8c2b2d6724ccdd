using Nethereum.Contracts;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// Reads every anchored head of a HistoryAnchor contract from the chain's event logs, page by page over the
/// <see cref="ChainLogScan"/>'s blocks, and the contract's view at the scan's last block.
/// </summary>
internal sealed class AnchorReader(string contractAddress, ChainLogScan scan)
{
    /// <summary>Reads the anchors of <paramref name="chain"/> from its deployment block to the current block.</summary>
    public static async Task<(IReadOnlyList<AnchoredHead> Heads, AnchoredHead? Latest)> ReadAllAsync(ChainDeployment chain, CancellationToken ct) =>
        await new AnchorReader(chain.Anchor, await ChainLogScan.StartAsync(chain, ct)).ReadAsync(ct);

    /// <summary>All TreeHeadAnchored events in chain order, and the contract's own latestHead() view.</summary>
    public async Task<(IReadOnlyList<AnchoredHead> Heads, AnchoredHead? Latest)> ReadAsync(CancellationToken ct)
    {
        var web3 = scan.Web3;
        var at = scan.At;
        var code = await web3.Eth.GetCode.SendRequestAsync(contractAddress, at);
        if (code is null || code.Length <= 2)
            throw new ChainReadException($"no contract at {contractAddress} at block {scan.ToBlock}");

        var logs = await scan.ReadAsync<HistoryAnchorAbi.TreeHeadAnchoredEvent>(contractAddress, ct);
        var heads = logs
            .Select(l => new AnchoredHead(
                checked((long)l.Event.TreeSize), l.Event.RootHash, (ulong)l.Log.BlockNumber.Value, l.Log.TransactionHash, (ulong)l.Log.LogIndex.Value))
            .OrderBy(h => h.BlockNumber).ThenBy(h => h.LogIndex)
            .ToList();

        var view = await web3.Eth.GetContractQueryHandler<HistoryAnchorAbi.LatestHeadFunction>()
            .QueryDeserializingToObjectAsync<HistoryAnchorAbi.LatestHeadOutput>(new HistoryAnchorAbi.LatestHeadFunction(), contractAddress, at);
        var latest = view.TreeSize == 0 ? null : new AnchoredHead(checked((long)view.TreeSize), view.RootHash, 0, "", 0);
        return (heads, latest);
    }
}
