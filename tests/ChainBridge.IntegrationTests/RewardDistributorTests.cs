using System.Numerics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats.Claims;
using Nethereum.Hex.HexConvertors.Extensions;

namespace ChainBridge.IntegrationTests;

public sealed class RewardDistributorTests(DeployedChain chain) : ChainTestBase(chain)
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);
    private static readonly string Alice = DeployedChain.DevAddresses[3];
    private static readonly string Bob = DeployedChain.DevAddresses[4];
    private static readonly string Carol = DeployedChain.DevAddresses[5];

    [Fact]
    public async Task A_claim_mints_the_cumulative_amount_to_the_account()
    {
        var tree = Tree((Alice, 5 * Token), (Bob, 7 * Token), (Carol, 1));
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(bridge, Chain.Contracts.DistributorAddress);
        await distributor.PublishRootAsync(1, tree.Root.HexToByteArray(), tree.Total);

        // Anyone may relay a claim; the tokens go to the account in the leaf.
        using var relayer = Chain.SenderFor(DeployedChain.OutsiderKey);
        var claim = await new DistributorContract(relayer, Chain.Contracts.DistributorAddress).ClaimAsync(Bob, 7 * Token, Proof(tree, Bob));

        Assert.Equal(7 * Token, claim.Paid);
        Assert.Equal(1UL, claim.Epoch);
        Assert.Equal(7 * Token, await BalanceAsync(Bob));
        Assert.Equal(BigInteger.Zero, await BalanceAsync(DeployedChain.Outsider));
        Assert.Equal(7 * Token, await distributor.ClaimedAsync(Bob));
    }

    [Fact]
    public async Task A_second_claim_with_the_same_proof_reverts_with_NothingToClaim_and_pays_nothing()
    {
        var tree = Tree((Alice, 5 * Token), (Bob, 7 * Token));
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(bridge, Chain.Contracts.DistributorAddress);
        await distributor.PublishRootAsync(1, tree.Root.HexToByteArray(), tree.Total);
        await distributor.ClaimAsync(Alice, 5 * Token, Proof(tree, Alice));

        var again = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.ClaimAsync(Alice, 5 * Token, Proof(tree, Alice)));

        Assert.Equal("NothingToClaim", again.ErrorName);
        Assert.Equal(5 * Token, await BalanceAsync(Alice));
    }

    [Fact]
    public async Task A_forged_proof_reverts_with_InvalidProof_and_pays_nothing()
    {
        var tree = Tree((Alice, 5 * Token), (Bob, 7 * Token), (Carol, 9 * Token));
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(bridge, Chain.Contracts.DistributorAddress);
        await distributor.PublishRootAsync(1, tree.Root.HexToByteArray(), tree.Total);

        // Alice's valid proof with a larger amount, Bob's proof for Alice, and a made-up proof.
        var inflated = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.ClaimAsync(Alice, 50 * Token, Proof(tree, Alice)));
        var borrowed = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.ClaimAsync(Alice, 7 * Token, Proof(tree, Bob)));
        var invented = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.ClaimAsync(Alice, 5 * Token, [Hash(1), Hash(2)]));

        Assert.All([inflated, borrowed, invented], e => Assert.Equal("InvalidProof", e.ErrorName));
        Assert.Equal(BigInteger.Zero, await BalanceAsync(Alice));
    }

    [Fact]
    public async Task A_larger_cumulative_amount_in_a_later_epoch_pays_only_the_difference()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(bridge, Chain.Contracts.DistributorAddress);
        var epoch1 = Tree((Alice, 5 * Token), (Bob, 7 * Token));
        await distributor.PublishRootAsync(1, epoch1.Root.HexToByteArray(), epoch1.Total);
        await distributor.ClaimAsync(Alice, 5 * Token, Proof(epoch1, Alice));

        var epoch2 = Tree((Alice, 12 * Token), (Bob, 7 * Token), (Carol, 3 * Token));
        await distributor.PublishRootAsync(2, epoch2.Root.HexToByteArray(), epoch2.Total);
        var second = await distributor.ClaimAsync(Alice, 12 * Token, Proof(epoch2, Alice));

        Assert.Equal(7 * Token, second.Paid);
        Assert.Equal(2UL, second.Epoch);
        Assert.Equal(12 * Token, await BalanceAsync(Alice));
        Assert.Equal(12 * Token, await distributor.ClaimedAsync(Alice));
    }

    [Fact]
    public async Task An_account_that_skipped_epochs_receives_its_whole_cumulative_amount_at_once()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(bridge, Chain.Contracts.DistributorAddress);
        await PublishAsync(distributor, 1, Tree((Alice, 5 * Token), (Bob, 7 * Token)));
        var epoch2 = Tree((Alice, 6 * Token), (Bob, 10 * Token));
        await distributor.PublishRootAsync(2, epoch2.Root.HexToByteArray(), epoch2.Total);

        var claim = await distributor.ClaimAsync(Bob, 10 * Token, Proof(epoch2, Bob));

        Assert.Equal(10 * Token, claim.Paid);
    }

    [Fact]
    public async Task A_proof_for_a_superseded_root_reverts_with_InvalidProof()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(bridge, Chain.Contracts.DistributorAddress);
        var epoch1 = Tree((Alice, 5 * Token), (Bob, 7 * Token));
        await distributor.PublishRootAsync(1, epoch1.Root.HexToByteArray(), epoch1.Total);
        await PublishAsync(distributor, 2, Tree((Alice, 6 * Token), (Bob, 7 * Token)));

        var stale = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.ClaimAsync(Alice, 5 * Token, Proof(epoch1, Alice)));

        Assert.Equal("InvalidProof", stale.ErrorName);
    }

    [Fact]
    public async Task A_proof_does_not_pay_on_another_distributor()
    {
        using var deployer = Chain.SenderFor(DeployedChain.DeployerKey);
        var other = await ChainDeployer.DeployAsync(deployer, DeployedChain.Roles);
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var ours = Tree((Alice, 5 * Token), (Bob, 7 * Token));
        await new DistributorContract(bridge, Chain.Contracts.DistributorAddress).PublishRootAsync(1, ours.Root.HexToByteArray(), ours.Total);
        var otherDistributor = new DistributorContract(bridge, other.DistributorAddress);
        await PublishAsync(otherDistributor, 1, Tree((Alice, 1 * Token), (Carol, 2 * Token)));

        var refused = await Assert.ThrowsAsync<ContractRevertedException>(() => otherDistributor.ClaimAsync(Alice, 5 * Token, Proof(ours, Alice)));

        Assert.Equal("InvalidProof", refused.ErrorName);
    }

    [Fact]
    public async Task Claiming_before_any_root_is_published_reverts_with_NoRootPublished()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(bridge, Chain.Contracts.DistributorAddress);

        var refused = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.ClaimAsync(Alice, 5 * Token, []));

        Assert.Equal("NoRootPublished", refused.ErrorName);
    }

    [Fact]
    public async Task Epochs_must_strictly_increase()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(bridge, Chain.Contracts.DistributorAddress);
        await distributor.PublishRootAsync(3, Hash(3), 0);

        var same = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.PublishRootAsync(3, Hash(4), 0));
        var earlier = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.PublishRootAsync(2, Hash(4), 0));

        Assert.All([same, earlier], e => Assert.Equal("EpochOutOfRange", e.ErrorName));
        var latest = await distributor.GetLatestRootAsync();
        Assert.Equal(3UL, latest.Epoch);
        Assert.Equal(Hash(3), latest.Root);
    }

    [Fact]
    public async Task Only_the_publisher_can_publish_a_root()
    {
        using var outsider = Chain.SenderFor(DeployedChain.OutsiderKey);
        var distributor = new DistributorContract(outsider, Chain.Contracts.DistributorAddress);

        var refused = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.PublishRootAsync(1, Hash(1), 0));

        Assert.Equal("AccessControlUnauthorizedAccount", refused.ErrorName);
        Assert.Equal(0UL, (await distributor.GetLatestRootAsync()).Epoch);
    }

    [Fact]
    public async Task Only_the_distributor_can_mint_tokens()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var token = bridge.Web3.Eth.GetContract(ContractArtifacts.CommunityToken.Abi, Chain.Contracts.TokenAddress);

        var refused = await Assert.ThrowsAsync<ContractRevertedException>(() => bridge.SendAsync(token, "mint", [DeployedChain.Bridge, Token]));

        Assert.Equal("AccessControlUnauthorizedAccount", refused.ErrorName);
    }

    [Fact]
    public async Task Published_roots_are_readable_as_events_in_epoch_order()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(bridge, Chain.Contracts.DistributorAddress);
        var from = await Chain.BlockNumberAsync();
        await distributor.PublishRootAsync(1, Hash(1), 0);
        await distributor.PublishRootAsync(2, Hash(2), 0);
        await distributor.PublishRootAsync(5, Hash(5), 0);

        var published = await distributor.GetPublishedRootsAsync(from, await Chain.BlockNumberAsync());

        Assert.Equal([1UL, 2, 5], published.Select(p => p.Epoch));
        Assert.All(published, p => Assert.Equal(Hash((int)p.Epoch), p.Root));
        Assert.Equal(Chain.Contracts.TokenAddress, await distributor.GetTokenAddressAsync(), ignoreCase: true);
    }

    private static Task<SentTransaction> PublishAsync(DistributorContract distributor, ulong epoch, ClaimTree tree) =>
        distributor.PublishRootAsync(epoch, tree.Root.HexToByteArray(), tree.Total);

    private static ClaimTree Tree(params (string Address, BigInteger Amount)[] claims) => ClaimTree.Build(claims);

    private static byte[][] Proof(ClaimTree tree, string address) => [.. tree.GetProof(address).Select(h => h.HexToByteArray())];

    private Task<BigInteger> BalanceAsync(string account) =>
        Chain.Reader.Eth.ERC20.GetContractService(Chain.Contracts.TokenAddress).BalanceOfQueryAsync(account);
}
