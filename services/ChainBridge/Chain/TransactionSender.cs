using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// Sends the transactions of one account, one at a time, each with an explicit nonce, and waits
/// for each receipt before the next. anvil in automine mode can leave concurrently sent
/// transactions unmined (foundry #10122), and one anchor per period needs no concurrency.
/// </summary>
/// <remarks>
/// The nonce is read from the node's mined count before every transaction (the pending count only
/// after a transaction of ours timed out unresolved) and compared with the one this sender expected:
/// they differ only when another process uses the same key or the node dropped a transaction (a
/// reorg, a restarted node), and then the node's count is the one that can be mined. While waiting for a receipt the sender also watches whether the node still holds
/// the transaction: a reorg that takes the block of a transaction whose receipt was not read yet
/// would otherwise hold the account (and every later transaction) until <see cref="ReceiptTimeout"/>.
/// Such a transaction is sent again. Use one sender per account and process.
/// </remarks>
public sealed partial class TransactionSender : IDisposable
{
    // Headroom over eth_estimateGas: the state a transaction runs against can change between
    // estimate and inclusion (another account's transaction), and unused gas is refunded anyway.
    private const int GasHeadroomPercent = 20;

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly ILogger<TransactionSender> _logger;
    private BigInteger? _expectedNonce;

    // A transaction of ours that timed out while the node still held it: it may yet be mined, so the next one follows
    // it (the pending count) instead of taking its nonce.
    private bool _unresolved;
    private bool _chainIdChecked;

    /// <param name="web3">A Web3 whose transaction manager signs with the account's key (built from an <see cref="Account"/>).</param>
    /// <param name="logger">Logs addresses, nonces and hashes, never the key.</param>
    public TransactionSender(IWeb3 web3, ILogger<TransactionSender>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(web3);
        Web3 = web3;
        Address = web3.TransactionManager.Account?.Address
            ?? throw new ArgumentException("The Web3 instance has no account to sign with.", nameof(web3));
        _logger = logger ?? NullLogger<TransactionSender>.Instance;
    }

    /// <summary>Creates a sender that signs locally with <paramref name="privateKey"/> for <paramref name="chainId"/>.</summary>
    public static TransactionSender Create(string rpcUrl, string privateKey, BigInteger chainId, ILogger<TransactionSender>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rpcUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(privateKey);
        var account = new Account(privateKey, chainId);
        return new TransactionSender(new Web3(account, rpcUrl), logger);
    }

    public IWeb3 Web3 { get; }

    /// <summary>
    /// How long to wait for a sent transaction to be mined. A node that restarts can forget its pending
    /// transactions; without a limit the sender would wait for that receipt forever.
    /// </summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often to ask for a receipt, and whether the node still has the transaction.</summary>
    public TimeSpan ReceiptPollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    // A transaction the node dropped goes out again; more drops in a row mean something else is wrong.
    private const int MaxResends = 3;

    /// <summary>The sending account (EIP-55 checksummed).</summary>
    public string Address { get; }

    /// <summary>Calls <paramref name="functionName"/> on <paramref name="contract"/> in a transaction and waits until it is mined.</summary>
    /// <exception cref="ContractRevertedException">The call reverts (found by gas estimation, so no gas is spent) or the mined transaction failed.</exception>
    public Task<SentTransaction> SendAsync(Contract contract, string functionName, object[] arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var data = contract.GetFunction(functionName).GetData(arguments);
        return SendAsync(contract.Address, data, functionName, cancellationToken);
    }

    /// <summary>Deploys <paramref name="artifact"/> and waits until it is mined; the receipt holds the contract address.</summary>
    public Task<SentTransaction> DeployAsync(ContractArtifact artifact, object[] constructorArguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var data = Web3.Eth.DeployContract.GetData(artifact.Bytecode, artifact.Abi, constructorArguments);
        return SendAsync(null, data, $"deploy {artifact.ContractName}", cancellationToken);
    }

    private async Task<SentTransaction> SendAsync(string? to, string data, string action, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureChainIdAsync(cancellationToken).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReceiptTimeout);
            try
            {
                for (var attempt = 1; ; attempt++)
                {
                    var (hash, nonce) = await SignAndSendAsync(to, data, action, cancellationToken).ConfigureAwait(false);
                    if (await WaitForReceiptAsync(hash, nonce, timeout.Token).ConfigureAwait(false) is { } receipt)
                    {
                        if (receipt.Status?.Value != 1)
                        {
                            throw new ContractRevertedException($"{action} was mined in block {receipt.BlockNumber?.Value} but failed (transaction {hash}).");
                        }
                        _unresolved = false;
                        LogMined(hash, (ulong)receipt.BlockNumber.Value, (ulong)receipt.GasUsed.Value);
                        return SentTransaction.From(receipt);
                    }
                    // The node no longer has the transaction: a reorg took the block that held it (anvil does not put
                    // such transactions back in its pool), or the node restarted. Waiting for its receipt would hold
                    // this account until the timeout, and every other transaction with it; the same call is still
                    // wanted, so it goes out again with the nonce the node now expects (estimated anew: the state
                    // it runs against may have changed).
                    if (attempt > MaxResends)
                    {
                        throw new TimeoutException($"{action} was dropped by the node {attempt} times ({hash} last); giving up.");
                    }
                    _unresolved = false;
                    LogDroppedSendingAgain(action, hash, nonce, attempt);
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                // The next transaction follows this one (the pending count), so it is not replaced if it is mined
                // after all; if the node dropped it, the pending count is back at its nonce.
                _unresolved = true;
                throw new TimeoutException($"{action} was not mined within {ReceiptTimeout}; the node may have dropped it.", e);
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<(string Hash, BigInteger Nonce)> SignAndSendAsync(string? to, string data, string action, CancellationToken cancellationToken)
    {
        var input = new TransactionInput { From = Address, To = to, Data = data, Value = new HexBigInteger(0) };
        HexBigInteger estimate;
        try
        {
            estimate = await Web3.Eth.Transactions.EstimateGas.SendRequestAsync(input).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ContractRevertedException.FindRevertData(e) is { } revertData)
        {
            throw ContractRevertedException.FromRevertData(action, revertData, e);
        }
        input.Gas = new HexBigInteger(estimate.Value * (100 + GasHeadroomPercent) / 100);

        // The mined count, not the pending one: one transaction at a time means none of ours waits in the pool now,
        // and after a reorg anvil's pending count can still include a transaction its pool lost (it then names a
        // nonce no transaction can reach, and everything sent with it waits forever).
        var latest = await NonceAsync(BlockParameter.CreateLatest(), cancellationToken).ConfigureAwait(false);
        var pending = await NonceAsync(BlockParameter.CreatePending(), cancellationToken).ConfigureAwait(false);
        var nonce = _unresolved ? BigInteger.Max(latest, pending) : latest;
        if (!_unresolved && pending > latest)
        {
            LogPoolAhead(Address, latest, pending);
        }
        if (_expectedNonce is { } expected && expected != nonce)
        {
            LogNonceMoved(Address, expected, nonce);
        }
        input.Nonce = new HexBigInteger(nonce);

        var hash = await Web3.TransactionManager.SendTransactionAsync(input).WaitAsync(cancellationToken).ConfigureAwait(false);
        _expectedNonce = nonce + 1;
        LogSent(action, Address, nonce, hash);
        return (hash, nonce);
    }

    /// <summary>
    /// Polls for the receipt of <paramref name="hash"/>; null once the transaction can no longer be mined: the node
    /// does not know it (twice in a row, so a node that is still indexing it is not mistaken), or the account's
    /// mined nonce passed <paramref name="nonce"/> without it (on two looks a poll apart, for the same reason).
    /// </summary>
    private async Task<TransactionReceipt?> WaitForReceiptAsync(string hash, BigInteger nonce, CancellationToken cancellationToken)
    {
        var unknown = 0;
        var behindGap = 0;
        var passedBy = 0;
        while (true)
        {
            var receipt = await Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (receipt is not null)
            {
                return receipt;
            }
            var transaction = await Web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(hash).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (transaction is null)
            {
                if (++unknown >= 2)
                {
                    return null;
                }
            }
            else
            {
                unknown = 0;
                // Mined meanwhile (the receipt comes with the next look), or waiting in the pool: that one is mined
                // once the account's nonce reaches it, unless another transaction took its nonce.
                if (transaction.BlockHash is null)
                {
                    var latest = await NonceAsync(BlockParameter.CreateLatest(), cancellationToken).ConfigureAwait(false);
                    // Passed by: another transaction took its nonce. Or this one was mined a moment ago and a busy node
                    // counts the nonce before it serves the receipt; taking that for a loss sent the same call again,
                    // which then reverted (an anchor of a size already anchored). So only seen on two looks a poll
                    // apart is it passed by.
                    if (latest > nonce
                        && await Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash).WaitAsync(cancellationToken).ConfigureAwait(false) is null)
                    {
                        if (++passedBy >= 2)
                        {
                            return null;
                        }
                    }
                    else
                    {
                        passedBy = 0;
                    }
                    // Behind a hole: a reorg took an earlier transaction of ours after this one's nonce was chosen.
                    // Nothing of ours is outstanding to fill it, so empty transfers to ourselves do. The node's pending
                    // count stops at the hole; it can open again after it was filled (a reorg took the first filler's
                    // block while the later ones waited behind it), so it is filled again while it stays open.
                    if (latest < nonce && !_unresolved)
                    {
                        var pending = await NonceAsync(BlockParameter.CreatePending(), cancellationToken).ConfigureAwait(false);
                        if (pending >= nonce)
                        {
                            behindGap = 0;
                        }
                        else if (++behindGap >= 2)
                        {
                            await FillGapAsync(pending, nonce, cancellationToken).ConfigureAwait(false);
                            behindGap = 0;
                        }
                    }
                }
            }
            await Task.Delay(ReceiptPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FillGapAsync(BigInteger from, BigInteger to, CancellationToken cancellationToken)
    {
        for (var nonce = from; nonce < to; nonce++)
        {
            var filler = new TransactionInput
            {
                From = Address, To = Address, Value = new HexBigInteger(0), Gas = new HexBigInteger(21_000), Nonce = new HexBigInteger(nonce),
            };
            try
            {
                var hash = await Web3.TransactionManager.SendTransactionAsync(filler).WaitAsync(cancellationToken).ConfigureAwait(false);
                LogGapFilled(Address, nonce, hash);
            }
            catch (RpcResponseException e)
            {
                // A transaction the node put back in its pool holds that nonce already ("already known", "replacement
                // underpriced", "nonce too low"): it fills the hole itself.
                LogGapFillRefused(Address, nonce, e.Message);
            }
        }
    }

    private async Task<BigInteger> NonceAsync(BlockParameter block, CancellationToken cancellationToken) =>
        (await Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(Address, block).WaitAsync(cancellationToken).ConfigureAwait(false)).Value;

    // A key configured for the wrong chain would sign transactions the node rejects with a vague
    // "invalid sender"; say what is wrong instead.
    private async Task EnsureChainIdAsync(CancellationToken cancellationToken)
    {
        if (_chainIdChecked)
        {
            return;
        }
        var nodeChainId = (await Web3.Eth.ChainId.SendRequestAsync().WaitAsync(cancellationToken).ConfigureAwait(false)).Value;
        var signingChainId = Web3.TransactionManager.ChainId ?? (Web3.TransactionManager.Account as Account)?.ChainId;
        if (signingChainId is { } configured && configured != nodeChainId)
        {
            throw new InvalidOperationException($"The signing account is configured for chain {configured} but the node reports chain {nodeChainId}.");
        }
        _chainIdChecked = true;
    }

    public void Dispose() => _oneAtATime.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Action} from {Account} with nonce {Nonce}: {TransactionHash}")]
    private partial void LogSent(string action, string account, BigInteger nonce, string transactionHash);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transaction {TransactionHash} mined in block {BlockNumber} using {GasUsed} gas")]
    private partial void LogMined(string transactionHash, ulong blockNumber, ulong gasUsed);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The node dropped {Action} ({TransactionHash}, nonce {Nonce}): a reorg took its block or the node forgot it; sending it again (attempt {Attempt})")]
    private partial void LogDroppedSendingAgain(string action, string transactionHash, BigInteger nonce, int attempt);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The node counts {Pending} transactions of {Account} with those in its pool but {Latest} mined, and none of ours waits: sending with {Latest} (a reorg left its pool behind)")]
    private partial void LogPoolAhead(string account, BigInteger latest, BigInteger pending);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Filled the nonce hole of {Account} at {Nonce} with an empty transfer {TransactionHash}")]
    private partial void LogGapFilled(string account, BigInteger nonce, string transactionHash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Did not fill the nonce hole of {Account} at {Nonce}: {Error}")]
    private partial void LogGapFillRefused(string account, BigInteger nonce, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nonce of {Account} is {Actual}, expected {Expected}: another process uses this key, or the node dropped a transaction")]
    private partial void LogNonceMoved(string account, BigInteger expected, BigInteger actual);
}
