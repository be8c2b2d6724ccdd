using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Web3;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>The HistoryAnchor contract: anchors RFC 9162 tree heads and reads them back.</summary>
public sealed class AnchorContract
{
    private readonly Contract _contract;
    private readonly TransactionSender? _sender;

    /// <summary>An anchor that can send transactions as <paramref name="sender"/>'s account.</summary>
    public AnchorContract(TransactionSender sender, string address)
        : this(sender?.Web3 ?? throw new ArgumentNullException(nameof(sender)), address) => _sender = sender;

    /// <summary>A read-only anchor (for auditors, or to check another instance's anchors).</summary>
    public AnchorContract(IWeb3 web3, string address)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        _contract = web3.Eth.GetContract(ContractArtifacts.HistoryAnchor.Abi, address);
    }

    public string Address => _contract.Address;

    /// <summary>Anchors the head (<paramref name="treeSize"/>, <paramref name="rootHash"/>) and waits until it is mined.</summary>
    /// <exception cref="ContractRevertedException">
    /// <c>TreeSizeNotGrowing</c> when a head at least as large is already anchored,
    /// <c>TreeGrowthTooLarge</c> when the head grew by more than the contract's bound since the latest anchor,
    /// <c>EnforcedPause</c> while the guardian paused anchoring,
    /// <c>AccessControlUnauthorizedAccount</c> when the sender's account may not anchor.
    /// </exception>
    public Task<SentTransaction> AnchorAsync(ulong treeSize, byte[] rootHash, CancellationToken cancellationToken = default)
    {
        ContractReads.RequireHash32(rootHash, nameof(rootHash));
        var sender = _sender ?? throw new InvalidOperationException("This AnchorContract is read-only; construct it with a TransactionSender to anchor.");
        return sender.SendAsync(_contract, "anchor", [new BigInteger(treeSize), rootHash], cancellationToken);
    }

    /// <summary>The latest anchored head, at <paramref name="blockNumber"/> or the latest block.</summary>
    public async Task<AnchoredHead> GetLatestHeadAsync(ulong? blockNumber = null, CancellationToken cancellationToken = default)
    {
        var outputs = await _contract.GetFunction("latestHead")
            .CallDecodingToDefaultAsync(ContractReads.At(blockNumber)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new AnchoredHead(ContractReads.UInt64(outputs, "treeSize"), ContractReads.Value<byte[]>(outputs, "rootHash"));
    }

    /// <summary>Whether <paramref name="account"/> may anchor.</summary>
    public Task<bool> IsAnchorerAsync(string account, CancellationToken cancellationToken = default) =>
        _contract.GetFunction("hasRole").CallAsync<bool>(ChainDeployer.AnchorerRole, account).WaitAsync(cancellationToken);

    /// <summary>Whether the guardian paused anchoring.</summary>
    public Task<bool> IsPausedAsync(CancellationToken cancellationToken = default) =>
        _contract.GetFunction("paused").CallAsync<bool>().WaitAsync(cancellationToken);

    /// <summary>Every <c>TreeHeadAnchored</c> event in blocks [<paramref name="fromBlock"/>, <paramref name="toBlock"/>], in chain order.</summary>
    public async Task<IReadOnlyList<TreeHeadAnchoredEvent>> GetAnchoredHeadsAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken = default)
    {
        var logs = await ContractReads.EventsAsync(_contract, "TreeHeadAnchored", fromBlock, toBlock, cancellationToken).ConfigureAwait(false);
        return [.. logs.Select(l => new TreeHeadAnchoredEvent(
            ContractReads.UInt64(l.Event, "treeSize"),
            ContractReads.Value<byte[]>(l.Event, "rootHash"),
            (ulong)l.Log.BlockNumber.Value,
            l.Log.BlockHash,
            l.Log.TransactionHash,
            (ulong)l.Log.LogIndex.Value))];
    }
}
