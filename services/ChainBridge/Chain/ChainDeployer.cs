using System.Numerics;
using System.Text;
using Nethereum.Util;
using Nethereum.Web3;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// Deploys and wires CommunityAI's contracts (token, distributor as its minter, anchor), or checks
/// that contracts at given addresses are ours and wired the same way.
/// </summary>
public static class ChainDeployer
{
    /// <summary>OpenZeppelin's DEFAULT_ADMIN_ROLE (32 zero bytes).</summary>
    public static byte[] AdminRole => new byte[32];

    // Role ids as the contracts define them: keccak256 of the role's name.
    public static byte[] MinterRole { get; } = Role("MINTER_ROLE");
    public static byte[] PublisherRole { get; } = Role("PUBLISHER_ROLE");
    public static byte[] AnchorerRole { get; } = Role("ANCHORER_ROLE");
    public static byte[] GuardianRole { get; } = Role("GUARDIAN_ROLE");

    /// <summary>
    /// Deploys the contracts from <paramref name="deployer"/>'s account, which holds no role on them afterwards: the
    /// distributor (which creates the token with itself as the only minter), then the anchor. Every role goes to the
    /// account <paramref name="roles"/> names, so the deployer may be the bridge's hot key without becoming admin.
    /// </summary>
    public static async Task<DeployedContracts> DeployAsync(TransactionSender deployer, ContractRoles roles, ContractLimits? limits = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployer);
        ArgumentNullException.ThrowIfNull(roles);
        limits ??= ContractLimits.Default;
        RequireAddress(roles.Admin, nameof(roles.Admin));
        RequireAddress(roles.Guardian, nameof(roles.Guardian));
        RequireAddress(roles.Anchorer, nameof(roles.Anchorer));
        RequireAddress(roles.Publisher, nameof(roles.Publisher));

        var distributorTx = await deployer.DeployAsync(ContractArtifacts.RewardDistributor,
            [roles.Admin, roles.Guardian, roles.Publisher, new BigInteger(limits.MaxEpochStep), new BigInteger(limits.ChallengeDelaySeconds)],
            cancellationToken).ConfigureAwait(false);
        var distributor = Checksum(distributorTx.Receipt.ContractAddress);
        var token = Checksum(await new DistributorContract(deployer.Web3, distributor).GetTokenAddressAsync(cancellationToken).ConfigureAwait(false));
        var anchorTx = await deployer.DeployAsync(ContractArtifacts.HistoryAnchor,
            [roles.Admin, roles.Guardian, roles.Anchorer, new BigInteger(limits.MaxTreeGrowth)], cancellationToken).ConfigureAwait(false);
        var anchor = Checksum(anchorTx.Receipt.ContractAddress);
        // Last, so the addresses of the other contracts (the deployer's first nonces) stay what they always were.
        var pool = roles.Treasury is { } treasury
            ? await DeployRevenuePoolAsync(deployer, token, treasury, cancellationToken).ConfigureAwait(false)
            : "";
        return new DeployedContracts(anchor, token, distributor, distributorTx.BlockNumber, pool);
    }

    /// <summary>Deploys a DatasetRevenuePool taking payments in <paramref name="token"/> with <paramref name="treasury"/> as its treasury.</summary>
    public static async Task<string> DeployRevenuePoolAsync(TransactionSender deployer, string token, string treasury, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployer);
        RequireAddress(token, nameof(token));
        RequireAddress(treasury, nameof(treasury));
        var poolTx = await deployer.DeployAsync(ContractArtifacts.DatasetRevenuePool, [token, treasury], cancellationToken).ConfigureAwait(false);
        return Checksum(poolTx.Receipt.ContractAddress);
    }

    /// <summary>Whether <paramref name="account"/> holds <paramref name="role"/> (e.g. <see cref="AdminRole"/>) on the contract at <paramref name="address"/>.</summary>
    public static Task<bool> HasRoleAsync(IWeb3 web3, ContractArtifact artifact, string address, byte[] role, string account,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(artifact);
        return web3.Eth.GetContract(artifact.Abi, address).GetFunction("hasRole").CallAsync<bool>(role, account).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Checks that <paramref name="deployment"/> points at deployed contracts wired as
    /// <see cref="DeployAsync"/> wires them, and returns it with checksummed addresses.
    /// </summary>
    /// <exception cref="InvalidOperationException">A contract is missing or not wired to the others.</exception>
    public static async Task<DeployedContracts> FindAsync(IWeb3 web3, DeployedContracts deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(deployment);
        var found = deployment with
        {
            AnchorAddress = Checksum(RequireAddress(deployment.AnchorAddress, nameof(deployment.AnchorAddress))),
            TokenAddress = Checksum(RequireAddress(deployment.TokenAddress, nameof(deployment.TokenAddress))),
            DistributorAddress = Checksum(RequireAddress(deployment.DistributorAddress, nameof(deployment.DistributorAddress))),
        };

        await RequireCodeAsync(web3, "HistoryAnchor", found.AnchorAddress, cancellationToken).ConfigureAwait(false);
        await RequireCodeAsync(web3, "CommunityToken", found.TokenAddress, cancellationToken).ConfigureAwait(false);
        await RequireCodeAsync(web3, "RewardDistributor", found.DistributorAddress, cancellationToken).ConfigureAwait(false);

        var distributor = web3.Eth.GetContract(ContractArtifacts.RewardDistributor.Abi, found.DistributorAddress);
        var distributorToken = await distributor.GetFunction("token").CallAsync<string>().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!AddressUtil.Current.AreAddressesTheSame(distributorToken, found.TokenAddress))
        {
            throw new InvalidOperationException($"RewardDistributor {found.DistributorAddress} pays in token {distributorToken}, not {found.TokenAddress}.");
        }
        var token = web3.Eth.GetContract(ContractArtifacts.CommunityToken.Abi, found.TokenAddress);
        var distributorMints = await token.GetFunction("hasRole")
            .CallAsync<bool>(MinterRole, found.DistributorAddress).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!distributorMints)
        {
            throw new InvalidOperationException($"RewardDistributor {found.DistributorAddress} lacks the minter role on token {found.TokenAddress}.");
        }
        if (found.RevenuePoolAddress is { Length: > 0 } poolAddress)
        {
            found = found with { RevenuePoolAddress = Checksum(RequireAddress(poolAddress, nameof(deployment.RevenuePoolAddress))) };
            await RequireCodeAsync(web3, "DatasetRevenuePool", found.RevenuePoolAddress, cancellationToken).ConfigureAwait(false);
            var pool = web3.Eth.GetContract(ContractArtifacts.DatasetRevenuePool.Abi, found.RevenuePoolAddress);
            var poolToken = await pool.GetFunction("token").CallAsync<string>().WaitAsync(cancellationToken).ConfigureAwait(false);
            // A pool taking another token would let a builder pay in something the distributor does not mint.
            if (!AddressUtil.Current.AreAddressesTheSame(poolToken, found.TokenAddress))
                throw new InvalidOperationException($"DatasetRevenuePool {found.RevenuePoolAddress} takes token {poolToken}, not {found.TokenAddress}.");
        }
        return found;
    }

    private static async Task RequireCodeAsync(IWeb3 web3, string contractName, string address, CancellationToken cancellationToken)
    {
        var code = await web3.Eth.GetCode.SendRequestAsync(address).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(code) || code == "0x")
        {
            throw new InvalidOperationException($"No {contractName} contract is deployed at {address}.");
        }
    }

    private static string RequireAddress(string address, string name) =>
        AddressUtil.Current.IsValidEthereumAddressHexFormat(address)
            ? address
            : throw new ArgumentException($"'{address}' is not an Ethereum address.", name);

    private static byte[] Role(string name) => Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(name));

    private static string Checksum(string address) => AddressUtil.Current.ConvertToChecksumAddress(address);
}
