using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// Reads contract event logs from the deployment block to one fixed latest block, in bounded pages
/// (<see cref="BlockRanges"/>), and counts the queries so a report can say how the chain was read. Fixing the last
/// block once keeps the logs and the views read at that block (<see cref="At"/>) one consistent picture.
/// </summary>
internal sealed class ChainLogScan(Web3 web3, ulong fromBlock, ulong toBlock, ulong pageSize)
{
    /// <summary>The default page: 2,000 blocks, within what common public providers accept for <c>eth_getLogs</c>.</summary>
    public const ulong DefaultPageSize = 2_000;

    public Web3 Web3 { get; } = web3;

    public ulong FromBlock { get; } = fromBlock;

    public ulong ToBlock { get; } = toBlock;

    public ulong PageSize { get; } = pageSize;

    public int Queries { get; private set; }

    /// <summary>
    /// A scan of <paramref name="chain"/> from its deployment block to the node's current block. When the deployment
    /// block is not known, it is found on chain from the anchor's code (<see cref="DeploymentBlockFinder"/>), never
    /// assumed to be block 0.
    /// </summary>
    public static async Task<ChainLogScan> StartAsync(ChainDeployment chain, CancellationToken ct)
    {
        var web3 = new Web3(chain.Rpc);
        var latest = (ulong)(await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(ct)).Value;
        var from = chain.DeploymentBlock ?? await DeploymentBlockFinder.FindAsync(web3, chain.Anchor, latest, ct);
        return new ChainLogScan(web3, from, latest, chain.PageSize);
    }

    /// <summary>The scan that follows this one: from the block after its last to the node's current block.</summary>
    public async Task<ChainLogScan> NextAsync(CancellationToken ct)
    {
        var latest = (ulong)(await Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(ct)).Value;
        return new ChainLogScan(Web3, ToBlock + 1, Math.Max(latest, ToBlock), PageSize);
    }

    /// <summary>The block the views are read at: the scan's last block.</summary>
    public BlockParameter At => new(new HexBigInteger(ToBlock));

    /// <summary>Every <typeparamref name="TEvent"/> of <paramref name="address"/>, in chain order, page by page.</summary>
    /// <param name="filter">Builds one page's filter (to add topic filters); by default the event's plain filter.</param>
    public async Task<List<EventLog<TEvent>>> ReadAsync<TEvent>(
        string address, CancellationToken ct, Func<Event<TEvent>, BlockParameter, BlockParameter, NewFilterInput>? filter = null)
        where TEvent : IEventDTO, new()
    {
        var @event = Web3.Eth.GetEvent<TEvent>(address);
        filter ??= (e, from, to) => e.CreateFilterInput(from, to);
        var all = new List<EventLog<TEvent>>();
        if (FromBlock > ToBlock)
            return all;
        foreach (var (from, to) in BlockRanges.Split(FromBlock, ToBlock, PageSize))
        {
            ct.ThrowIfCancellationRequested();
            Queries++;
            List<EventLog<TEvent>> page;
            try
            {
                page = await @event.GetAllChangesAsync(filter(@event, new BlockParameter(from), new BlockParameter(to))).WaitAsync(ct);
            }
            catch (RpcResponseException e)
            {
                throw new ChainReadException($"the node refused the logs of {address} in blocks {from}-{to} ({e.Message}); try a smaller --log-range", e);
            }
            all.AddRange(page);
        }
        all.Sort((a, b) => a.Log.BlockNumber.Value != b.Log.BlockNumber.Value
            ? a.Log.BlockNumber.Value.CompareTo(b.Log.BlockNumber.Value)
            : a.Log.LogIndex.Value.CompareTo(b.Log.LogIndex.Value));
        return all;
    }
}
