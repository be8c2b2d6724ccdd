using CommunityAI.ChainBridge.Chain;
using Xunit.Abstractions;

namespace ChainBridge.IntegrationTests;

public sealed class HistoryAnchorTests(DeployedChain chain, ITestOutputHelper output) : ChainTestBase(chain)
{
    [Fact]
    public async Task Anchored_heads_of_growing_size_are_readable_as_latest_head_and_as_events()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var anchor = new AnchorContract(bridge, Chain.Contracts.AnchorAddress);
        var from = await Chain.BlockNumberAsync();

        var sent = new List<SentTransaction>();
        foreach (var size in new ulong[] { 1, 7, 8, 1000 })
            sent.Add(await anchor.AnchorAsync(size, Hash((int)size)));

        var latest = await anchor.GetLatestHeadAsync();
        Assert.Equal(1000UL, latest.TreeSize);
        Assert.Equal(Hash(1000), latest.RootHash);

        var events = await anchor.GetAnchoredHeadsAsync(from, await Chain.BlockNumberAsync());
        Assert.Equal([1UL, 7, 8, 1000], events.Select(e => e.TreeSize));
        Assert.All(events, e => Assert.Equal(Hash((int)e.TreeSize), e.RootHash));
        Assert.Equal(sent.Select(s => s.TransactionHash), events.Select(e => e.TransactionHash));
        Assert.Equal(sent.Select(s => s.BlockHash), events.Select(e => e.BlockHash));
    }

    [Fact]
    public async Task The_head_read_at_an_earlier_block_is_the_head_anchored_by_then()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var anchor = new AnchorContract(bridge, Chain.Contracts.AnchorAddress);
        var first = await anchor.AnchorAsync(5, Hash(5));
        await anchor.AnchorAsync(9, Hash(9));

        var head = await anchor.GetLatestHeadAsync(first.BlockNumber);

        Assert.Equal(5UL, head.TreeSize);
        Assert.Equal(Hash(5), head.RootHash);
    }

    [Fact]
    public async Task Before_the_first_anchor_the_latest_head_is_empty()
    {
        var anchor = new AnchorContract(Chain.Reader, Chain.Contracts.AnchorAddress);

        var head = await anchor.GetLatestHeadAsync();

        Assert.Equal(0UL, head.TreeSize);
        Assert.Equal(new byte[32], head.RootHash);
    }

    [Fact]
    public async Task An_account_that_is_not_the_anchorer_is_refused()
    {
        using var outsider = Chain.SenderFor(DeployedChain.OutsiderKey);
        var anchor = new AnchorContract(outsider, Chain.Contracts.AnchorAddress);

        var refused = await Assert.ThrowsAsync<ContractRevertedException>(() => anchor.AnchorAsync(1, Hash(1)));

        Assert.Equal("AccessControlUnauthorizedAccount", refused.ErrorName);
        Assert.Equal(DeployedChain.Outsider, (string)refused.Arguments[0], ignoreCase: true);
        Assert.Equal(0UL, (await anchor.GetLatestHeadAsync()).TreeSize);
    }

    [Theory]
    [InlineData(10UL)]
    [InlineData(9UL)]
    public async Task Anchoring_a_tree_size_not_larger_than_the_latest_reverts_and_keeps_the_head(ulong treeSize)
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var anchor = new AnchorContract(bridge, Chain.Contracts.AnchorAddress);
        await anchor.AnchorAsync(10, Hash(10));

        var refused = await Assert.ThrowsAsync<ContractRevertedException>(() => anchor.AnchorAsync(treeSize, Hash(99)));

        Assert.Equal("TreeSizeNotGrowing", refused.ErrorName);
        var head = await anchor.GetLatestHeadAsync();
        Assert.Equal(10UL, head.TreeSize);
        Assert.Equal(Hash(10), head.RootHash);
    }

    [Fact]
    public async Task The_first_tree_size_must_be_at_least_one()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var anchor = new AnchorContract(bridge, Chain.Contracts.AnchorAddress);

        var refused = await Assert.ThrowsAsync<ContractRevertedException>(() => anchor.AnchorAsync(0, Hash(0)));

        Assert.Equal("TreeSizeNotGrowing", refused.ErrorName);
    }

    [Fact]
    public async Task An_anchor_costs_under_38k_gas_once_the_head_slots_are_in_use()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var anchor = new AnchorContract(bridge, Chain.Contracts.AnchorAddress);

        var gas = new List<ulong>();
        for (ulong size = 1; size <= 5; size++)
            gas.Add((await anchor.AnchorAsync(size * 100, Hash((int)size))).GasUsed);

        output.WriteLine($"gas per anchor: first {gas[0]}, then {string.Join(", ", gas.Skip(1))}");
        // The first anchor writes the tree-size slot (shared with the pause flag) and the root slot from zero (22.1k
        // each); later ones only update them. The role check reads one more slot than the single anchorer did (33.9k).
        Assert.InRange(gas[0], 60_000UL, 75_000UL);
        Assert.All(gas.Skip(1), g => Assert.InRange(g, 30_000UL, 38_000UL));
    }

    [Fact]
    public async Task The_admin_can_hand_anchoring_to_a_new_key_and_the_old_key_is_refused()
    {
        using var admin = Chain.SenderFor(DeployedChain.AdminKey);
        using var oldBridge = Chain.SenderFor(DeployedChain.BridgeKey);
        using var newBridge = Chain.SenderFor(DeployedChain.OutsiderKey);
        var adminView = admin.Web3.Eth.GetContract(ContractArtifacts.HistoryAnchor.Abi, Chain.Contracts.AnchorAddress);

        await admin.SendAsync(adminView, "grantRole", [ChainDeployer.AnchorerRole, DeployedChain.Outsider]);
        await admin.SendAsync(adminView, "revokeRole", [ChainDeployer.AnchorerRole, DeployedChain.Bridge]);

        var reader = new AnchorContract(admin.Web3, Chain.Contracts.AnchorAddress);
        Assert.True(await reader.IsAnchorerAsync(DeployedChain.Outsider));
        Assert.False(await reader.IsAnchorerAsync(DeployedChain.Bridge));
        await new AnchorContract(newBridge, Chain.Contracts.AnchorAddress).AnchorAsync(3, Hash(3));
        var refused = await Assert.ThrowsAsync<ContractRevertedException>(
            () => new AnchorContract(oldBridge, Chain.Contracts.AnchorAddress).AnchorAsync(4, Hash(4)));
        Assert.Equal("AccessControlUnauthorizedAccount", refused.ErrorName);
        Assert.Equal(3UL, (await reader.GetLatestHeadAsync()).TreeSize);
    }

    [Fact]
    public async Task Only_the_admin_can_grant_the_anchorer_role()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var contract = bridge.Web3.Eth.GetContract(ContractArtifacts.HistoryAnchor.Abi, Chain.Contracts.AnchorAddress);

        var refused = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bridge.SendAsync(contract, "grantRole", [ChainDeployer.AnchorerRole, DeployedChain.Outsider]));

        Assert.Equal("AccessControlUnauthorizedAccount", refused.ErrorName);
        Assert.False(await new AnchorContract(bridge.Web3, Chain.Contracts.AnchorAddress).IsAnchorerAsync(DeployedChain.Outsider));
    }

    [Fact]
    public async Task After_a_reorg_drops_an_anchor_the_head_rolls_back_and_the_same_sender_anchors_again()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var anchor = new AnchorContract(bridge, Chain.Contracts.AnchorAddress);
        await anchor.AnchorAsync(10, Hash(10));
        var dropped = await anchor.AnchorAsync(20, Hash(20));

        await Chain.ReorgAsync(1);

        Assert.Equal(10UL, (await anchor.GetLatestHeadAsync()).TreeSize);
        var events = await anchor.GetAnchoredHeadsAsync(dropped.BlockNumber, await Chain.BlockNumberAsync());
        Assert.Empty(events);
        // The dropped transaction's nonce is free again: the sender must reuse it, not skip past it.
        var resent = await anchor.AnchorAsync(20, Hash(20));
        Assert.NotEqual(dropped.BlockHash, resent.BlockHash);
        Assert.Equal(20UL, (await anchor.GetLatestHeadAsync()).TreeSize);
    }

    [Fact]
    public async Task The_deployer_finds_its_contracts_again_and_rejects_an_address_without_code()
    {
        using var bridge = Chain.SenderFor(DeployedChain.BridgeKey);
        var lowercase = Chain.Contracts with
        {
            AnchorAddress = Chain.Contracts.AnchorAddress.ToLowerInvariant(),
            TokenAddress = Chain.Contracts.TokenAddress.ToLowerInvariant(),
            DistributorAddress = Chain.Contracts.DistributorAddress.ToLowerInvariant(),
        };

        var found = await ChainDeployer.FindAsync(bridge.Web3, lowercase);

        Assert.Equal(Chain.Contracts, found);
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ChainDeployer.FindAsync(bridge.Web3, Chain.Contracts with { AnchorAddress = DeployedChain.Outsider }));
        Assert.Contains("No HistoryAnchor contract", missing.Message, StringComparison.Ordinal);
    }
}
