using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Web3;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>The RewardDistributor contract: publishes per-epoch claim roots and pays cumulative claims.</summary>
public sealed class DistributorContract
{
    private readonly Contract _contract;
    private readonly TransactionSender? _sender;

    /// <summary>A distributor that can send transactions as <paramref name="sender"/>'s account.</summary>
    public DistributorContract(TransactionSender sender, string address)
        : this(sender?.Web3 ?? throw new ArgumentNullException(nameof(sender)), address) => _sender = sender;

    /// <summary>A read-only distributor.</summary>
    public DistributorContract(IWeb3 web3, string address)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        _contract = web3.Eth.GetContract(ContractArtifacts.RewardDistributor.Abi, address);
    }

    public string Address => _contract.Address;

    /// <summary>
    /// Publishes <paramref name="root"/> as the claim root of <paramref name="epoch"/>, with its tree's
    /// <paramref name="cumulativeTotal"/> (the sum of its amounts): all claims together never pay out more.
    /// </summary>
    /// <exception cref="ContractRevertedException">
    /// <c>EpochOutOfRange</c> when this or a later epoch is already published, or the epoch skips more than the
    /// contract's step; <c>CumulativeTotalDecreasing</c> when the total is below the latest published one;
    /// <c>EnforcedPause</c> while the guardian paused the distributor;
    /// <c>AccessControlUnauthorizedAccount</c> when the sender may not publish.
    /// </exception>
    public Task<SentTransaction> PublishRootAsync(ulong epoch, byte[] root, BigInteger cumulativeTotal, CancellationToken cancellationToken = default)
    {
        ContractReads.RequireHash32(root, nameof(root));
        ArgumentOutOfRangeException.ThrowIfNegative(cumulativeTotal);
        return Sender.SendAsync(_contract, "publishRoot", [new BigInteger(epoch), root, cumulativeTotal], cancellationToken);
    }

    /// <summary>The cumulative total of the newest publication (0 before the first).</summary>
    public Task<BigInteger> GetLatestCumulativeTotalAsync(CancellationToken cancellationToken = default) =>
        _contract.GetFunction("latestCumulativeTotal").CallAsync<BigInteger>().WaitAsync(cancellationToken);

    /// <summary>The root claims are checked against now (the newest one whose challenge delay has passed).</summary>
    public async Task<PublishedRoot> GetClaimableRootAsync(CancellationToken cancellationToken = default)
    {
        var outputs = await _contract.GetFunction("claimableRoot").CallDecodingToDefaultAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return new PublishedRoot(ContractReads.UInt64(outputs, "epoch"), ContractReads.Value<byte[]>(outputs, "root"));
    }

    /// <summary>Everything all claims have paid out so far.</summary>
    public Task<BigInteger> TotalPaidAsync(CancellationToken cancellationToken = default) =>
        _contract.GetFunction("totalPaid").CallAsync<BigInteger>().WaitAsync(cancellationToken);

    /// <summary>
    /// Claims for <paramref name="account"/> (paying the gas from the sender's account) the
    /// difference between <paramref name="cumulativeAmount"/> and what it already claimed.
    /// </summary>
    /// <exception cref="ContractRevertedException">
    /// <c>InvalidProof</c> when the proof does not lead to the claimable root,
    /// <c>ExceedsPublishedTotal</c> when paying it would take all claims past the root's cumulative total,
    /// <c>EnforcedPause</c> while the guardian paused the distributor,
    /// <c>NothingToClaim</c> when the account already claimed this cumulative amount,
    /// <c>NoRootPublished</c> before the first publication.
    /// </exception>
    public async Task<ClaimReceipt> ClaimAsync(string account, BigInteger cumulativeAmount, IReadOnlyList<byte[]> proof, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        ArgumentNullException.ThrowIfNull(proof);
        foreach (var node in proof)
        {
            ContractReads.RequireHash32(node, nameof(proof));
        }
        var sent = await Sender.SendAsync(_contract, "claim", [account, cumulativeAmount, proof.ToList()], cancellationToken).ConfigureAwait(false);
        var claimed = _contract.GetEvent("Claimed").DecodeAllEventsDefaultForEvent(sent.Receipt.Logs).Single();
        return new ClaimReceipt(sent, ContractReads.Value<BigInteger>(claimed.Event, "amount"), ContractReads.UInt64(claimed.Event, "epoch"));
    }

    /// <summary>The total <paramref name="account"/> has claimed so far (its last claimed cumulative amount).</summary>
    public Task<BigInteger> ClaimedAsync(string account, CancellationToken cancellationToken = default) =>
        _contract.GetFunction("claimed").CallAsync<BigInteger>(account).WaitAsync(cancellationToken);

    /// <summary>
    /// The newest published root (claimable, or still in its challenge delay), at <paramref name="blockNumber"/> or the
    /// latest block: what the bridge compares its own publications with.
    /// </summary>
    public async Task<PublishedRoot> GetLatestRootAsync(ulong? blockNumber = null, CancellationToken cancellationToken = default)
    {
        var at = ContractReads.At(blockNumber);
        var epoch = await _contract.GetFunction("latestEpoch").CallAsync<ulong>(at).WaitAsync(cancellationToken).ConfigureAwait(false);
        var root = await _contract.GetFunction("latestRoot").CallAsync<byte[]>(at).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new PublishedRoot(epoch, root);
    }

    /// <summary>The token the distributor mints.</summary>
    public Task<string> GetTokenAddressAsync(CancellationToken cancellationToken = default) =>
        _contract.GetFunction("token").CallAsync<string>().WaitAsync(cancellationToken);

    /// <summary>Every <c>RootPublished</c> event in blocks [<paramref name="fromBlock"/>, <paramref name="toBlock"/>], in chain order.</summary>
    public async Task<IReadOnlyList<RootPublishedEvent>> GetPublishedRootsAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken = default)
    {
        var logs = await ContractReads.EventsAsync(_contract, "RootPublished", fromBlock, toBlock, cancellationToken).ConfigureAwait(false);
        return [.. logs.Select(l => new RootPublishedEvent(
            ContractReads.UInt64(l.Event, "epoch"),
            ContractReads.Value<byte[]>(l.Event, "root"),
            (ulong)l.Log.BlockNumber.Value,
            l.Log.BlockHash,
            l.Log.TransactionHash))];
    }

    private TransactionSender Sender => _sender
        ?? throw new InvalidOperationException("This DistributorContract is read-only; construct it with a TransactionSender to send transactions.");
}
