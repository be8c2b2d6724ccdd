using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// Reads every anchored head of a HistoryAnchor contract from the chain's event logs. With a <see cref="ChainLogScan"/>
/// the logs are read page by page from the deployment block and the view at the scan's last block; without one, in a
/// single query over the whole chain (fine on a local node, refused by most public providers).
/// </summary>
internal sealed class AnchorReader(string rpcUrl, string contractAddress, ChainLogScan? scan = null)
{
    /// <summary>All TreeHeadAnchored events in chain order, and the contract's own latestHead() view.</summary>
    public async Task<(IReadOnlyList<AnchoredHead> Heads, AnchoredHead? Latest)> ReadAsync(CancellationToken ct)
    {
        var web3 = scan?.Web3 ?? new Web3(rpcUrl);
        var at = scan?.At ?? BlockParameter.CreateLatest();
        var code = await web3.Eth.GetCode.SendRequestAsync(contractAddress, at);
        if (code is null || code.Length <= 2)
            throw new InvalidOperationException($"no contract at {contractAddress} on {rpcUrl}");

        List<EventLog<HistoryAnchorAbi.TreeHeadAnchoredEvent>> logs;
        if (scan is not null)
        {
            logs = await scan.ReadAsync<HistoryAnchorAbi.TreeHeadAnchoredEvent>(contractAddress, ct);
        }
        else
        {
            var anchored = web3.Eth.GetEvent<HistoryAnchorAbi.TreeHeadAnchoredEvent>(contractAddress);
            logs = await anchored.GetAllChangesAsync(anchored.CreateFilterInput(BlockParameter.CreateEarliest(), BlockParameter.CreateLatest()));
        }
        ct.ThrowIfCancellationRequested();
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
