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
    // Role ids as the contracts define them: keccak256("MINTER_ROLE") and keccak256("PUBLISHER_ROLE").
    private static readonly byte[] s_minterRole = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes("MINTER_ROLE"));
    private static readonly byte[] s_publisherRole = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes("PUBLISHER_ROLE"));

    /// <summary>
    /// Deploys the three contracts from <paramref name="deployer"/>'s account, which stays their
    /// admin and owner; <paramref name="anchorer"/> may anchor and <paramref name="publisher"/> may
    /// publish claim roots (usually the bridge's own account, which may be the deployer).
    /// </summary>
    public static async Task<DeployedContracts> DeployAsync(TransactionSender deployer, string anchorer, string publisher, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployer);
        RequireAddress(anchorer, nameof(anchorer));
        RequireAddress(publisher, nameof(publisher));

        var tokenTx = await deployer.DeployAsync(ContractArtifacts.CommunityToken, [deployer.Address], cancellationToken).ConfigureAwait(false);
        var token = Checksum(tokenTx.Receipt.ContractAddress);
        var distributorTx = await deployer.DeployAsync(ContractArtifacts.RewardDistributor, [deployer.Address, token], cancellationToken).ConfigureAwait(false);
        var distributor = Checksum(distributorTx.Receipt.ContractAddress);
        var anchor = Checksum((await deployer.DeployAsync(ContractArtifacts.HistoryAnchor, [deployer.Address, anchorer], cancellationToken).ConfigureAwait(false)).Receipt.ContractAddress);

        var tokenContract = deployer.Web3.Eth.GetContract(ContractArtifacts.CommunityToken.Abi, token);
        await deployer.SendAsync(tokenContract, "grantRole", [s_minterRole, distributor], cancellationToken).ConfigureAwait(false);
        var distributorContract = deployer.Web3.Eth.GetContract(ContractArtifacts.RewardDistributor.Abi, distributor);
        await deployer.SendAsync(distributorContract, "grantRole", [s_publisherRole, publisher], cancellationToken).ConfigureAwait(false);

        return new DeployedContracts(anchor, token, distributor, tokenTx.BlockNumber);
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
            .CallAsync<bool>(s_minterRole, found.DistributorAddress).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!distributorMints)
        {
            throw new InvalidOperationException($"RewardDistributor {found.DistributorAddress} lacks the minter role on token {found.TokenAddress}.");
        }
        return found;
    }

    /// <summary>Finds the contracts of <paramref name="existing"/> when given, otherwise deploys new ones.</summary>
    public static Task<DeployedContracts> FindOrDeployAsync(TransactionSender deployer, DeployedContracts? existing, string anchorer, string publisher, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployer);
        return existing is null
            ? DeployAsync(deployer, anchorer, publisher, cancellationToken)
            : FindAsync(deployer.Web3, existing, cancellationToken);
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

    private static string Checksum(string address) => AddressUtil.Current.ConvertToChecksumAddress(address);
}
