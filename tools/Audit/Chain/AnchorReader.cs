using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace CommunityAI.Audit.Chain;

/// <summary>Reads every anchored head of a HistoryAnchor contract from the chain's event logs.</summary>
internal sealed class AnchorReader(string rpcUrl, string contractAddress)
{
    /// <summary>All TreeHeadAnchored events in chain order, and the contract's own latestHead() view.</summary>
    public async Task<(IReadOnlyList<AnchoredHead> Heads, AnchoredHead? Latest)> ReadAsync(CancellationToken ct)
    {
        var web3 = new Web3(rpcUrl);
        var code = await web3.Eth.GetCode.SendRequestAsync(contractAddress);
        if (code is null || code.Length <= 2)
            throw new InvalidOperationException($"no contract at {contractAddress} on {rpcUrl}");

        var anchored = web3.Eth.GetEvent<HistoryAnchorAbi.TreeHeadAnchoredEvent>(contractAddress);
        var filter = anchored.CreateFilterInput(BlockParameter.CreateEarliest(), BlockParameter.CreateLatest());
        var logs = await anchored.GetAllChangesAsync(filter);
        ct.ThrowIfCancellationRequested();
        var heads = logs
            .Select(l => new AnchoredHead(
                checked((long)l.Event.TreeSize), l.Event.RootHash, (ulong)l.Log.BlockNumber.Value, l.Log.TransactionHash, (ulong)l.Log.LogIndex.Value))
            .OrderBy(h => h.BlockNumber).ThenBy(h => h.LogIndex)
            .ToList();

        var view = await web3.Eth.GetContractQueryHandler<HistoryAnchorAbi.LatestHeadFunction>()
            .QueryDeserializingToObjectAsync<HistoryAnchorAbi.LatestHeadOutput>(new HistoryAnchorAbi.LatestHeadFunction(), contractAddress);
        var latest = view.TreeSize == 0 ? null : new AnchoredHead(checked((long)view.TreeSize), view.RootHash, 0, "", 0);
        return (heads, latest);
    }
}
