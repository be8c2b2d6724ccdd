using Nethereum.RPC.Eth.DTOs;
using Nethereum.Util;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// Finds the contracts the bridge must use, or deploys them where that is safe. A missing record (read models are
/// dropped on restore) must never lead to fresh contracts on a public network: the history would be anchored from
/// scratch on contracts nobody knows, and claims would restart. So:
/// <list type="bullet">
/// <item>configured or recorded addresses are checked on chain and used;</item>
/// <item>otherwise the bridge deploys only on the development chain, or when <see cref="ChainOptions.Deploy"/> is set
/// and the anchoring key has never sent a transaction (its first transactions are then the deployment, so a key that
/// has sent any may have deployed already);</item>
/// <item>anything else is refused: anchoring stops and readiness reports unhealthy, saying why.</item>
/// </list>
/// Outside development the admin must be a configured address other than the anchoring key, and a found deployment
/// whose admin is the anchoring key is refused.
/// </summary>
public static class ContractLocator
{
    /// <summary>What to do without I/O: the roles to deploy with, or the reason to refuse; null roles and reason mean find.</summary>
    public static (ContractRoles? Deploy, string? Refusal) Decide(long chainId, ChainOptions options, bool known, string hotKey)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (known)
            return (null, null);
        var development = chainId == DevelopmentChain.ChainId;
        if (!development && !options.Deploy)
            return (null, $"no contract addresses are configured or recorded for chain {chainId}, and the bridge deploys only on the "
                + $"development chain ({DevelopmentChain.ChainId}) or with Chain:Deploy: set Chain:AnchorContract, Chain:TokenContract "
                + "and Chain:DistributorContract from the network's published file (deploy/networks)");
        var admin = options.AdminAddress is { Length: > 0 } a ? a : development ? DevelopmentChain.Admin : null;
        var guardian = options.GuardianAddress is { Length: > 0 } g ? g : development ? DevelopmentChain.Guardian : null;
        if (admin is null || guardian is null)
            return (null, $"Chain:AdminAddress and Chain:GuardianAddress are required to deploy on chain {chainId}");
        if (!development && (Same(admin, hotKey) || Same(guardian, hotKey)))
            return (null, $"the anchoring key {hotKey} may not be the admin or the guardian outside development");
        return (new ContractRoles(admin, guardian, hotKey, hotKey, TreasuryFor(chainId, options)), null);
    }

    /// <summary>The treasury a revenue pool deployed here names: configured, else anvil's account #7 on the development chain.</summary>
    public static string? TreasuryFor(long chainId, ChainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.TreasuryAddress is { Length: > 0 } t ? t : chainId == DevelopmentChain.ChainId ? DevelopmentChain.Treasury : null;
    }

    /// <summary>Finds <paramref name="known"/> on chain, or deploys when <see cref="Decide"/> allows it.</summary>
    /// <exception cref="DeploymentRefusedException">Nothing may be found or deployed; also recorded on <paramref name="chain"/>.</exception>
    public static async Task<DeployedContracts> FindOrDeployAsync(ChainConnection chain, ChainOptions options, DeployedContracts? known, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(options);
        var sender = chain.Sender;
        var (roles, refusal) = Decide(chain.ChainId, options, known is not null, sender.Address);
        if (refusal is not null)
            throw Refuse(chain, refusal);
        if (roles is null)
        {
            var found = await ChainDeployer.FindAsync(sender.Web3, known!, ct);
            if (chain.ChainId != DevelopmentChain.ChainId && await HotKeyIsAdminAsync(sender, found, ct))
                throw Refuse(chain, $"the anchoring key {sender.Address} holds DEFAULT_ADMIN_ROLE on the deployment; move the admin role to a cold key first");
            // A development deployment recorded before the revenue pool existed gets one; elsewhere the pool's address
            // is configured (Chain:RevenuePoolContract), since a key that deployed before must not deploy again unasked.
            if (found.RevenuePoolAddress.Length == 0 && chain.ChainId == DevelopmentChain.ChainId && TreasuryFor(chain.ChainId, options) is { } treasury)
                found = found with { RevenuePoolAddress = await ChainDeployer.DeployRevenuePoolAsync(sender, found.TokenAddress, treasury, ct) };
            chain.DeploymentRefused = null;
            return found;
        }
        if (chain.ChainId != DevelopmentChain.ChainId)
        {
            var sent = await sender.Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(sender.Address, BlockParameter.CreateLatest())
                .WaitAsync(ct);
            if (sent.Value > 0)
                throw Refuse(chain, $"no deployment is recorded for chain {chain.ChainId}, but the anchoring key {sender.Address} has sent "
                    + $"{sent.Value} transactions, so one may exist on chain: configure its addresses instead of deploying again");
        }
        var limits = new ContractLimits(options.MaxTreeGrowth, options.MaxEpochStep, (ulong)options.ChallengeDelay.TotalSeconds);
        var deployed = await ChainDeployer.DeployAsync(sender, roles, limits, ct);
        chain.DeploymentRefused = null;
        return deployed;
    }

    private static async Task<bool> HotKeyIsAdminAsync(TransactionSender sender, DeployedContracts found, CancellationToken ct) =>
        await ChainDeployer.HasRoleAsync(sender.Web3, ContractArtifacts.HistoryAnchor, found.AnchorAddress, ChainDeployer.AdminRole, sender.Address, ct)
        || await ChainDeployer.HasRoleAsync(sender.Web3, ContractArtifacts.RewardDistributor, found.DistributorAddress, ChainDeployer.AdminRole, sender.Address, ct)
        || await ChainDeployer.HasRoleAsync(sender.Web3, ContractArtifacts.CommunityToken, found.TokenAddress, ChainDeployer.AdminRole, sender.Address, ct);

    private static DeploymentRefusedException Refuse(ChainConnection chain, string reason)
    {
        chain.DeploymentRefused = reason;
        return new DeploymentRefusedException(reason);
    }

    private static bool Same(string a, string b) => AddressUtil.Current.AreAddressesTheSame(a, b);
}
