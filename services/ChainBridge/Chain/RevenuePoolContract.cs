using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Util;
using Nethereum.Web3;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>The DatasetRevenuePool contract, read-only: the bridge only watches the payments builders make.</summary>
public sealed class RevenuePoolContract
{
    private readonly Contract _contract;

    public RevenuePoolContract(IWeb3 web3, string address)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        _contract = web3.Eth.GetContract(ContractArtifacts.DatasetRevenuePool.Abi, address);
    }

    public string Address => _contract.Address;

    /// <summary>Every <c>DatasetPaid</c> event in blocks [<paramref name="fromBlock"/>, <paramref name="toBlock"/>], in chain order.</summary>
    public async Task<IReadOnlyList<DatasetPaidEvent>> GetPaymentsAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken = default)
    {
        var logs = await ContractReads.EventsAsync(_contract, "DatasetPaid", fromBlock, toBlock, cancellationToken).ConfigureAwait(false);
        return [.. logs.Select(l => new DatasetPaidEvent(
            ContractReads.Value<byte[]>(l.Event, "snapshotRoot"),
            AddressUtil.Current.ConvertToChecksumAddress(ContractReads.Value<string>(l.Event, "payer")),
            ContractReads.Value<BigInteger>(l.Event, "amount"),
            AddressUtil.Current.ConvertToChecksumAddress(ContractReads.Value<string>(l.Event, "treasury")),
            (ulong)l.Log.BlockNumber.Value,
            l.Log.BlockHash,
            l.Log.TransactionHash,
            (ulong)l.Log.LogIndex.Value))];
    }
}
