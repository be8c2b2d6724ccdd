using System.Numerics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.ServiceDefaults.Limits;
using Microsoft.Extensions.Options;
using Nethereum.JsonRpc.Client;

namespace CommunityAI.ChainBridge.Relaying;

/// <summary>
/// Sends a contributor's claim to the distributor and pays its gas, so claiming needs no ether. Safe for the account by
/// the contract's design: a claim always mints to the account named in it, whoever sends it. Safe for the relayer by
/// three checks before any transaction: the account has something left to claim, it has relays left today, and the
/// claim would not revert (gas estimation runs the call first, so a bad proof or amount costs nothing).
/// </summary>
public sealed partial class ClaimRelayer(
    IOptions<RelayerOptions> options,
    IOptions<ChainOptions> chain,
    ChainConnection connection,
    SignerQuota quota,
    ILogger<TransactionSender> senderLogger,
    ILogger<ClaimRelayer> logger) : IDisposable
{
    private const string QuotaScope = "relay";
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private readonly Lazy<TransactionSender?> _sender = new(() => options.Value.Enabled
        ? TransactionSender.Create(chain.Value.RpcUrl, options.Value.Key!.Trim(), new BigInteger(chain.Value.Id), senderLogger)
        : null);

    /// <summary>The relayer's account (the one paying gas), or null when it is off.</summary>
    public string? Address => _sender.Value?.Address;

    public async Task<RelayOutcome> RelayAsync(string account, BigInteger cumulativeAmount, IReadOnlyList<byte[]> proof, CancellationToken ct)
    {
        if (_sender.Value is not { } sender)
            return RelayOutcome.Off("no relayer key is configured (Relayer:Key): claim from your own wallet");
        if (connection.Deployment is not { } deployment)
            return RelayOutcome.Off("the contracts are not known yet");
        // The anchoring key holds the contracts' roles; the relayer's must hold nothing but ether to spend.
        if (string.Equals(sender.Address, connection.Sender.Address, StringComparison.OrdinalIgnoreCase))
            return RelayOutcome.Off("Relayer:Key is the anchoring key; give the relayer a key of its own");
        var distributor = new DistributorContract(sender, deployment.DistributorAddress);
        try
        {
            var claimed = await distributor.ClaimedAsync(account, ct);
            if (claimed >= cumulativeAmount)
                return RelayOutcome.Nothing($"{account} already claimed {claimed}, not less than {cumulativeAmount}");

            // Counted across replicas (ServiceDefaults' SignerQuota), per UTC day, so two replicas cannot both send the last one.
            if (await quota.TakeAsync(QuotaScope, account, options.Value.PerAccountPerDay, Day, ct) is not { } taken)
                return RelayOutcome.OverQuota($"{account} had its {options.Value.PerAccountPerDay} relayed claims today (UTC); claim from your own wallet or try tomorrow");
            try
            {
                var receipt = await distributor.ClaimAsync(account, cumulativeAmount, proof, ct);
                LogRelayed(logger, account, receipt.Paid, receipt.Transaction.TransactionHash);
                return RelayOutcome.Relayed(receipt, taken.Left);
            }
            catch (ContractRevertedException e)
            {
                // Found by gas estimation: nothing was sent, so the relay is not counted.
                await quota.GiveBackAsync(QuotaScope, [account], taken.Window, CancellationToken.None);
                return e.ErrorName == "EnforcedPause"
                    ? RelayOutcome.Off("claims are paused by the guardian")
                    : RelayOutcome.WouldRevert(e.ErrorName ?? "unknown", e.Message);
            }
        }
        catch (Exception e) when (e is RpcClientUnknownException or RpcClientTimeoutException)
        {
            return RelayOutcome.Off($"the chain does not answer: {e.Message}");
        }
    }

    public void Dispose()
    {
        if (_sender.IsValueCreated)
            _sender.Value?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Relayed a claim of {Paid} for {Account} in transaction {TransactionHash}")]
    private static partial void LogRelayed(ILogger logger, string account, BigInteger paid, string transactionHash);
}
