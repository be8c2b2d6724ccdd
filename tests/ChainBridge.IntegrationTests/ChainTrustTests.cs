using System.Numerics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats.Claims;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// The attacks a stolen hot key (the bridge's anchorer and publisher) could try, each performed on anvil and refused
/// with nothing changed, and the guardian's and admin's answers: pause, veto, key rotation. On the contracts before
/// roles were split, the hot key deployed and administered everything, so each attack here succeeded.
/// </summary>
public sealed class ChainTrustTests(DeployedChain chain) : ChainTestBase(chain)
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);
    private static readonly string Alice = DeployedChain.DevAddresses[3];
    private static readonly string Bob = DeployedChain.DevAddresses[4];

    [Fact]
    public async Task The_hot_key_holds_only_anchorer_and_publisher_and_the_deployer_holds_nothing()
    {
        var web3 = Chain.Reader;
        var c = Chain.Contracts;
        foreach (var (artifact, address) in new[] { (ContractArtifacts.HistoryAnchor, c.AnchorAddress), (ContractArtifacts.RewardDistributor, c.DistributorAddress), (ContractArtifacts.CommunityToken, c.TokenAddress) })
        {
            Assert.True(await ChainDeployer.HasRoleAsync(web3, artifact, address, ChainDeployer.AdminRole, DeployedChain.Admin));
            Assert.False(await ChainDeployer.HasRoleAsync(web3, artifact, address, ChainDeployer.AdminRole, DeployedChain.Bridge));
            Assert.False(await ChainDeployer.HasRoleAsync(web3, artifact, address, ChainDeployer.AdminRole, DeployedChain.Deployer));
        }
        Assert.True(await ChainDeployer.HasRoleAsync(web3, ContractArtifacts.HistoryAnchor, c.AnchorAddress, ChainDeployer.AnchorerRole, DeployedChain.Bridge));
        Assert.True(await ChainDeployer.HasRoleAsync(web3, ContractArtifacts.RewardDistributor, c.DistributorAddress, ChainDeployer.PublisherRole, DeployedChain.Bridge));
        Assert.True(await ChainDeployer.HasRoleAsync(web3, ContractArtifacts.RewardDistributor, c.DistributorAddress, ChainDeployer.GuardianRole, DeployedChain.Guardian));
        Assert.True(await ChainDeployer.HasRoleAsync(web3, ContractArtifacts.CommunityToken, c.TokenAddress, ChainDeployer.MinterRole, c.DistributorAddress));
        Assert.False(await ChainDeployer.HasRoleAsync(web3, ContractArtifacts.CommunityToken, c.TokenAddress, ChainDeployer.MinterRole, DeployedChain.Bridge));
        Assert.False(await ChainDeployer.HasRoleAsync(web3, ContractArtifacts.CommunityToken, c.TokenAddress, ChainDeployer.MinterRole, DeployedChain.Deployer));
    }

    [Fact]
    public async Task The_hot_key_can_neither_grant_itself_the_minter_role_nor_mint()
    {
        using var hot = Chain.SenderFor(DeployedChain.BridgeKey);
        var token = hot.Web3.Eth.GetContract(ContractArtifacts.CommunityToken.Abi, Chain.Contracts.TokenAddress);
        var distributor = hot.Web3.Eth.GetContract(ContractArtifacts.RewardDistributor.Abi, Chain.Contracts.DistributorAddress);
        var anchor = hot.Web3.Eth.GetContract(ContractArtifacts.HistoryAnchor.Abi, Chain.Contracts.AnchorAddress);

        var grantMinter = await Assert.ThrowsAsync<ContractRevertedException>(() => hot.SendAsync(token, "grantRole", [ChainDeployer.MinterRole, DeployedChain.Bridge]));
        var grantAdmin = await Assert.ThrowsAsync<ContractRevertedException>(() => hot.SendAsync(distributor, "grantRole", [ChainDeployer.AdminRole, DeployedChain.Bridge]));
        var grantGuardian = await Assert.ThrowsAsync<ContractRevertedException>(() => hot.SendAsync(anchor, "grantRole", [ChainDeployer.GuardianRole, DeployedChain.Bridge]));
        var mint = await Assert.ThrowsAsync<ContractRevertedException>(() => hot.SendAsync(token, "mint", [DeployedChain.Bridge, 1_000_000 * Token]));

        Assert.All([grantMinter, grantAdmin, grantGuardian, mint], e => Assert.Equal("AccessControlUnauthorizedAccount", e.ErrorName));
        Assert.False(await ChainDeployer.HasRoleAsync(hot.Web3, ContractArtifacts.CommunityToken, Chain.Contracts.TokenAddress, ChainDeployer.MinterRole, DeployedChain.Bridge));
        Assert.Equal(BigInteger.Zero, await TotalSupplyAsync());
    }

    [Fact]
    public async Task Anchoring_the_largest_tree_size_to_brick_the_anchor_reverts_and_keeps_the_head()
    {
        using var hot = Chain.SenderFor(DeployedChain.BridgeKey);
        var anchor = new AnchorContract(hot, Chain.Contracts.AnchorAddress);
        await anchor.AnchorAsync(10, Hash(10));

        var brick = await Assert.ThrowsAsync<ContractRevertedException>(() => anchor.AnchorAsync(ulong.MaxValue, Hash(1)));
        var justTooFar = await Assert.ThrowsAsync<ContractRevertedException>(() => anchor.AnchorAsync(10 + (1UL << 32) + 1, Hash(2)));

        Assert.All([brick, justTooFar], e => Assert.Equal("TreeGrowthTooLarge", e.ErrorName));
        Assert.Equal(10UL, (await anchor.GetLatestHeadAsync()).TreeSize);
        // The bound is inclusive: a log that grew by exactly 2^32 entries still anchors.
        await anchor.AnchorAsync(10 + (1UL << 32), Hash(3));
        Assert.Equal(10 + (1UL << 32), (await anchor.GetLatestHeadAsync()).TreeSize);
    }

    [Fact]
    public async Task Publishing_the_largest_epoch_to_brick_the_distributor_reverts_and_keeps_the_root()
    {
        using var hot = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(hot, Chain.Contracts.DistributorAddress);
        await distributor.PublishRootAsync(1, Hash(1), 0);

        var brick = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.PublishRootAsync(ulong.MaxValue, Hash(2), 0));
        var justTooFar = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.PublishRootAsync(1 + (1UL << 32) + 1, Hash(2), 0));

        Assert.All([brick, justTooFar], e => Assert.Equal("EpochOutOfRange", e.ErrorName));
        var latest = await distributor.GetLatestRootAsync();
        Assert.Equal(1UL, latest.Epoch);
        Assert.Equal(Hash(1), latest.Root);
        // After an outage the bridge may skip epochs, within the bound.
        await distributor.PublishRootAsync(1 + (1UL << 32), Hash(3), 0);
    }

    [Fact]
    public async Task A_cumulative_total_below_the_latest_one_reverts()
    {
        using var hot = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(hot, Chain.Contracts.DistributorAddress);
        await distributor.PublishRootAsync(1, Hash(1), 12 * Token);

        var refused = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.PublishRootAsync(2, Hash(2), 12 * Token - 1));

        Assert.Equal("CumulativeTotalDecreasing", refused.ErrorName);
        Assert.Equal(12 * Token, await distributor.GetLatestCumulativeTotalAsync());
        await distributor.PublishRootAsync(2, Hash(2), 12 * Token);
    }

    [Fact]
    public async Task A_claim_beyond_the_published_cumulative_total_reverts_and_mints_nothing()
    {
        // A root whose amounts add up to 12 tokens, published with a total of 10: the claims may pay 10, never more.
        var tree = ClaimTree.Build([(Alice, 5 * Token), (Bob, 7 * Token)]);
        using var hot = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = new DistributorContract(hot, Chain.Contracts.DistributorAddress);
        await distributor.PublishRootAsync(1, tree.Root.HexToByteArray(), 10 * Token);
        await distributor.ClaimAsync(Alice, 5 * Token, Proof(tree, Alice));

        var refused = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.ClaimAsync(Bob, 7 * Token, Proof(tree, Bob)));

        Assert.Equal("ExceedsPublishedTotal", refused.ErrorName);
        Assert.Equal(BigInteger.Zero, await BalanceAsync(Bob));
        Assert.Equal(5 * Token, await TotalSupplyAsync());
        Assert.Equal(5 * Token, await distributor.TotalPaidAsync());
    }

    [Fact]
    public async Task A_paused_distributor_and_anchor_refuse_claims_publications_and_anchors_until_the_admin_unpauses()
    {
        var tree = ClaimTree.Build([(Alice, 5 * Token), (Bob, 7 * Token)]);
        using var hot = Chain.SenderFor(DeployedChain.BridgeKey);
        using var guardian = Chain.SenderFor(DeployedChain.GuardianKey);
        using var admin = Chain.SenderFor(DeployedChain.AdminKey);
        var distributor = new DistributorContract(hot, Chain.Contracts.DistributorAddress);
        var anchor = new AnchorContract(hot, Chain.Contracts.AnchorAddress);
        await distributor.PublishRootAsync(1, tree.Root.HexToByteArray(), tree.Total);

        await guardian.SendAsync(Contract(guardian, ContractArtifacts.RewardDistributor, Chain.Contracts.DistributorAddress), "pause", []);
        await guardian.SendAsync(Contract(guardian, ContractArtifacts.HistoryAnchor, Chain.Contracts.AnchorAddress), "pause", []);

        var claim = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.ClaimAsync(Alice, 5 * Token, Proof(tree, Alice)));
        var publish = await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.PublishRootAsync(2, Hash(2), tree.Total));
        var anchoring = await Assert.ThrowsAsync<ContractRevertedException>(() => anchor.AnchorAsync(5, Hash(5)));
        Assert.All([claim, publish, anchoring], e => Assert.Equal("EnforcedPause", e.ErrorName));
        Assert.True(await anchor.IsPausedAsync());

        // Neither the hot key nor the guardian can restart: only the admin.
        var byHotKey = await Assert.ThrowsAsync<ContractRevertedException>(
            () => hot.SendAsync(Contract(hot, ContractArtifacts.HistoryAnchor, Chain.Contracts.AnchorAddress), "unpause", []));
        var byGuardian = await Assert.ThrowsAsync<ContractRevertedException>(
            () => guardian.SendAsync(Contract(guardian, ContractArtifacts.RewardDistributor, Chain.Contracts.DistributorAddress), "unpause", []));
        Assert.All([byHotKey, byGuardian], e => Assert.Equal("AccessControlUnauthorizedAccount", e.ErrorName));
        Assert.Equal(BigInteger.Zero, await TotalSupplyAsync());
        Assert.Equal(0UL, (await anchor.GetLatestHeadAsync()).TreeSize);

        await admin.SendAsync(Contract(admin, ContractArtifacts.RewardDistributor, Chain.Contracts.DistributorAddress), "unpause", []);
        await admin.SendAsync(Contract(admin, ContractArtifacts.HistoryAnchor, Chain.Contracts.AnchorAddress), "unpause", []);
        await distributor.ClaimAsync(Alice, 5 * Token, Proof(tree, Alice));
        await anchor.AnchorAsync(5, Hash(5));
        Assert.Equal(5 * Token, await BalanceAsync(Alice));
    }

    [Fact]
    public async Task The_hot_key_cannot_pause_or_veto()
    {
        using var hot = Chain.SenderFor(DeployedChain.BridgeKey);
        var distributor = Contract(hot, ContractArtifacts.RewardDistributor, Chain.Contracts.DistributorAddress);

        var pause = await Assert.ThrowsAsync<ContractRevertedException>(() => hot.SendAsync(distributor, "pause", []));
        var veto = await Assert.ThrowsAsync<ContractRevertedException>(() => hot.SendAsync(distributor, "veto", [BigInteger.One]));

        Assert.All([pause, veto], e => Assert.Equal("AccessControlUnauthorizedAccount", e.ErrorName));
    }

    [Fact]
    public async Task With_a_challenge_delay_a_root_pays_only_after_the_delay_and_the_guardian_can_veto_it_meanwhile()
    {
        using var deployer = Chain.SenderFor(DeployedChain.DeployerKey);
        var delayed = await ChainDeployer.DeployAsync(deployer, DeployedChain.Roles, ContractLimits.Default with { ChallengeDelaySeconds = 3600 });
        using var hot = Chain.SenderFor(DeployedChain.BridgeKey);
        using var guardian = Chain.SenderFor(DeployedChain.GuardianKey);
        var distributor = new DistributorContract(hot, delayed.DistributorAddress);
        var guardianView = Contract(guardian, ContractArtifacts.RewardDistributor, delayed.DistributorAddress);
        var honest = ClaimTree.Build([(Alice, 5 * Token), (Bob, 7 * Token)]);
        var stolen = ClaimTree.Build([(DeployedChain.Bridge, 1_000_000 * Token), (Bob, 7 * Token)]);

        // The thief publishes first; nothing pays during the delay, and the guardian vetoes.
        await distributor.PublishRootAsync(1, stolen.Root.HexToByteArray(), stolen.Total);
        var early = await Assert.ThrowsAsync<ContractRevertedException>(
            () => distributor.ClaimAsync(DeployedChain.Bridge, 1_000_000 * Token, Proof(stolen, DeployedChain.Bridge)));
        Assert.Equal("NoRootPublished", early.ErrorName);
        var vetoed = await guardian.SendAsync(guardianView, "veto", [BigInteger.One]);
        var vetoEvent = Assert.Single(guardianView.GetEvent("RootVetoed").DecodeAllEventsDefaultForEvent(vetoed.Receipt.Logs));
        Assert.Equal(stolen.Root.HexToByteArray(), (byte[])vetoEvent.Event.Single(p => p.Parameter.Name == "root").Result);
        Assert.Equal(0UL, (await distributor.GetLatestRootAsync()).Epoch);

        // The vetoed epoch is published again with the honest root, and pays once the delay passed.
        await distributor.PublishRootAsync(1, honest.Root.HexToByteArray(), honest.Total);
        await Assert.ThrowsAsync<ContractRevertedException>(() => distributor.ClaimAsync(Alice, 5 * Token, Proof(honest, Alice)));
        await Chain.RpcAsync("evm_increaseTime", 3601);
        await Chain.MineAsync();
        var tooLate = await Assert.ThrowsAsync<ContractRevertedException>(() => guardian.SendAsync(guardianView, "veto", [BigInteger.One]));
        Assert.Equal("NothingToVeto", tooLate.ErrorName);
        var claim = await distributor.ClaimAsync(Alice, 5 * Token, Proof(honest, Alice));

        Assert.Equal(5 * Token, claim.Paid);
        Assert.Equal(BigInteger.Zero, await new Nethereum.Web3.Web3(Chain.RpcUrl).Eth.ERC20.GetContractService(delayed.TokenAddress)
            .BalanceOfQueryAsync(DeployedChain.Bridge));
    }

    [Fact]
    public async Task The_admin_rotates_the_hot_key_and_the_old_key_can_neither_anchor_nor_publish()
    {
        using var admin = Chain.SenderFor(DeployedChain.AdminKey);
        using var oldKey = Chain.SenderFor(DeployedChain.BridgeKey);
        using var newKey = Chain.SenderFor(DeployedChain.OutsiderKey);
        var anchorAdmin = Contract(admin, ContractArtifacts.HistoryAnchor, Chain.Contracts.AnchorAddress);
        var distributorAdmin = Contract(admin, ContractArtifacts.RewardDistributor, Chain.Contracts.DistributorAddress);

        await admin.SendAsync(anchorAdmin, "grantRole", [ChainDeployer.AnchorerRole, DeployedChain.Outsider]);
        await admin.SendAsync(distributorAdmin, "grantRole", [ChainDeployer.PublisherRole, DeployedChain.Outsider]);
        await admin.SendAsync(anchorAdmin, "revokeRole", [ChainDeployer.AnchorerRole, DeployedChain.Bridge]);
        await admin.SendAsync(distributorAdmin, "revokeRole", [ChainDeployer.PublisherRole, DeployedChain.Bridge]);

        var anchor = await Assert.ThrowsAsync<ContractRevertedException>(() => new AnchorContract(oldKey, Chain.Contracts.AnchorAddress).AnchorAsync(1, Hash(1)));
        var publish = await Assert.ThrowsAsync<ContractRevertedException>(
            () => new DistributorContract(oldKey, Chain.Contracts.DistributorAddress).PublishRootAsync(1, Hash(1), 0));
        Assert.All([anchor, publish], e => Assert.Equal("AccessControlUnauthorizedAccount", e.ErrorName));
        await new AnchorContract(newKey, Chain.Contracts.AnchorAddress).AnchorAsync(1, Hash(1));
        await new DistributorContract(newKey, Chain.Contracts.DistributorAddress).PublishRootAsync(1, Hash(1), 0);
        Assert.Equal(1UL, (await new AnchorContract(Chain.Reader, Chain.Contracts.AnchorAddress).GetLatestHeadAsync()).TreeSize);
    }

    private static Nethereum.Contracts.Contract Contract(TransactionSender sender, ContractArtifact artifact, string address) =>
        sender.Web3.Eth.GetContract(artifact.Abi, address);

    private static byte[][] Proof(ClaimTree tree, string address) => [.. tree.GetProof(address).Select(h => h.HexToByteArray())];

    private Task<BigInteger> BalanceAsync(string account) =>
        Chain.Reader.Eth.ERC20.GetContractService(Chain.Contracts.TokenAddress).BalanceOfQueryAsync(account);

    private Task<BigInteger> TotalSupplyAsync() =>
        Chain.Reader.Eth.ERC20.GetContractService(Chain.Contracts.TokenAddress).TotalSupplyQueryAsync();
}
