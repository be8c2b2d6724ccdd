using System.Diagnostics;
using System.Numerics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using Xunit.Abstractions;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// Claim roots through reorgs on a real anvil (anvil_reorg replaces the last blocks with empty ones): a publication
/// taken away is published again and the ledger's proofs pay; a chain that holds our newest root gets nothing more.
/// Tests build on the class's chain as the previous test left it, each closing a later epoch.
/// </summary>
// These once stalled in about one full-suite run in four: a transaction of the bridge's account (the first anchor) was
// in flight when the reorg came, and the sender waited for a receipt anvil would never give. ReorgedTransactionTests
// pins that down; the sender now sends such a transaction again. A rarer stall remained in the test itself: the same
// first anchor mined between the test's read of the height and its reorg (see ReorgAwayAsync).
public sealed class ClaimRootReorgTests(ClaimRootBridge bridge, ITestOutputHelper output) : IClassFixture<ClaimRootBridge>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);
    private static readonly string Alice = AnvilNode.DevAddresses[3];
    private static readonly string Bob = AnvilNode.DevAddresses[4];
    private static long _epoch;

    [Fact]
    public async Task A_root_a_reorg_took_away_is_published_again_and_the_ledgers_proof_then_pays()
    {
        var epoch = Interlocked.Increment(ref _epoch);
        var owed = 5 * Token * epoch;
        var (closed, tree) = await bridge.CloseEpochAsync(epoch, (Alice, owed), (Bob, 7 * Token));
        var first = await bridge.PublicationOfAsync(epoch);
        Assert.Equal((ulong)epoch, (await bridge.Distributor.GetLatestRootAsync()).Epoch);

        await ReorgAwayAsync(first);
        var reorged = Stopwatch.StartNew();

        IReadOnlyList<object> records;
        try
        {
            records = await Eventually.MatchesAsync(bridge.RecordsAsync,
                r => r.OfType<ClaimRootDropped>().Any(d => d.Epoch == epoch), "the lost publication recorded and the root published again", Patience);
        }
        catch (Xunit.Sdk.XunitException stalled)
        {
            // Stalled once in a clean-clone run since the sender was fixed: say what the bridge was doing, so the next
            // one is found from the log rather than guessed at. (This caught TimeoutException, which Eventually never
            // throws, so the stall in a later run printed nothing but the timeout.)
            var said = bridge.Host.Logs.Lines.Where(l => !l.StartsWith("Debug ", StringComparison.Ordinal)).TakeLast(80);
            throw new Xunit.Sdk.XunitException($"{stalled.Message}\nThe bridge's last log lines:\n{string.Join('\n', said)}");
        }
        // A figure for the report, not an assertion: the keeper looks every 500 ms and the test polls every 100 ms.
        output.WriteLine($"root published again and recorded {reorged.ElapsedMilliseconds} ms after the reorg");
        var dropped = records.OfType<ClaimRootDropped>().Single(d => d.Epoch == epoch);
        Assert.Equal(first.TxHash, dropped.TxHash);
        Assert.Equal(closed.ClaimRoot, dropped.ClaimRoot);
        Assert.True(dropped.OnChainEpoch < epoch, $"the distributor held epoch {dropped.OnChainEpoch} after the reorg");
        var again = records.SkipWhile(r => r != (object)dropped).OfType<ClaimRootPublished>().First();
        Assert.Equal(epoch, again.Epoch);
        Assert.Equal(closed.ClaimRoot, again.ClaimRoot);
        Assert.Equal(bridge.Deployment.DistributorAddress, again.DistributorContract);

        // On chain: the closed epoch's root again, from the transaction the record names.
        var onChain = await bridge.Distributor.GetLatestRootAsync();
        Assert.Equal((ulong)epoch, onChain.Epoch);
        Assert.Equal(tree.Root, Hex.Encode(onChain.Root));
        var inclusion = await CanonicalChain.FindAsync(bridge.Reader, again.TxHash);
        Assert.True(inclusion is { Succeeded: true } && inclusion.BlockNumber == (ulong)again.BlockNumber, $"{again.TxHash} at {inclusion}");

        // A contributor claims with the proof the ledger serves for this epoch, relayed by anyone.
        using var relayer = TransactionSender.Create(bridge.Anvil.RpcUrl, AnvilNode.DevPrivateKeys[5], AnvilNode.ChainId);
        var distributor = new DistributorContract(relayer, bridge.Deployment.DistributorAddress);
        var claimedBefore = await distributor.ClaimedAsync(Alice);
        var claim = await distributor.ClaimAsync(Alice, owed, [.. tree.GetProof(Alice).Select(h => Hex.Decode(h, 32))]);
        Assert.Equal(owed - claimedBefore, claim.Paid);
        Assert.Equal((ulong)epoch, claim.Epoch);

        // Once back, the root stays put: one more look at a later block publishes nothing more.
        await bridge.Anvil.MineAsync();
        Assert.Equal((ulong)epoch, await bridge.LookedAtAsync(await bridge.Anvil.BlockNumberAsync()));
        records = await bridge.RecordsAsync();
        Assert.Single(records.OfType<ClaimRootDropped>(), d => d.Epoch == epoch);
        Assert.Equal(2, records.OfType<ClaimRootPublished>().Count(p => p.Epoch == epoch));
    }

    [Fact]
    public async Task While_the_distributor_holds_our_newest_root_nothing_is_published_again()
    {
        var epoch = Interlocked.Increment(ref _epoch);
        await bridge.CloseEpochAsync(epoch, (Alice, 5 * Token * epoch), (Bob, 7 * Token));
        await bridge.PublicationOfAsync(epoch);
        var rootsBefore = await bridge.RootsOnChainAsync();
        var noticesBefore = bridge.KeeperNotices().Count;

        await bridge.Anvil.MineAsync(3);

        Assert.Equal((ulong)epoch, await bridge.LookedAtAsync(await bridge.Anvil.BlockNumberAsync()));
        Assert.Equal(rootsBefore.Select(r => r.TransactionHash), (await bridge.RootsOnChainAsync()).Select(r => r.TransactionHash));
        var records = await bridge.RecordsAsync();
        Assert.Single(records.OfType<ClaimRootPublished>(), p => p.Epoch == epoch);
        Assert.DoesNotContain(records.OfType<ClaimRootDropped>(), d => d.Epoch == epoch);
        // Not even tried: the contract would refuse a second publication of the epoch, but only after a look that
        // wrongly took the chain for behind.
        Assert.Equal(noticesBefore, bridge.KeeperNotices().Count);
    }

    [Fact]
    public async Task On_a_chain_without_new_blocks_the_keepers_later_looks_ask_the_distributor_nothing()
    {
        var epoch = Interlocked.Increment(ref _epoch);
        await bridge.CloseEpochAsync(epoch, (Alice, 5 * Token * epoch), (Bob, 7 * Token));
        await bridge.PublicationOfAsync(epoch);
        // The bridge's anchor (its only one: anchoring waits a day between anchors) reads the anchor contract before it is
        // sent; waited for here, so the calls counted below can only be the keeper's.
        var anchor = new AnchorContract(bridge.Reader, bridge.Deployment.AnchorAddress);
        await Eventually.MatchesAsync(() => anchor.GetLatestHeadAsync(), head => head.TreeSize > 0, "the bridge's anchor", Patience);
        for (var attempt = 1; ; attempt++)
        {
            // A look begun before the publication was recorded read our former record, so its next look reads the chain
            // again, as a changed record must (the test once took such a look as its start and saw two calls). A look at a
            // block mined from here on begins after the record, so it is the one to start from.
            await bridge.Anvil.MineAsync();
            var block = await bridge.Anvil.BlockNumberAsync();
            await bridge.LookedAtAsync(block);
            var (looks, _) = bridge.LooksAt(block);
            var calls = await EthCallsAsync();

            // The next look at the same block: the keeper's own every ten seconds, or none if a block came meanwhile.
            await Eventually.MatchesAsync(() => Task.FromResult(bridge.LooksAt(block)), seen => seen.Looks > looks || seen.Newest > block,
                "the keeper's next look", Patience);
            if (await bridge.Anvil.BlockNumberAsync() == block && bridge.LooksAt(block).Newest == block)
            {
                // It read our record again and found it unchanged, so the distributor's epoch read at this block still held.
                Assert.Equal(calls, await EthCallsAsync());
                Assert.True(calls > 0, "the looks before read the distributor from the node");
                return;
            }
            // The bridge's first anchor was mined meanwhile: a new block, rightly read. Look again at the new height.
            output.WriteLine($"a block came after {block} (attempt {attempt}); looking again");
            Assert.True(attempt < 5, $"the chain never stayed at one block for a look ({attempt} attempts)");
        }
    }

    /// <summary>The <c>eth_call</c>s the class's node has answered, by its own log.</summary>
    private async Task<int> EthCallsAsync() => (await bridge.Anvil.ServedAsync("eth_call"))["eth_call"];

    /// <summary>
    /// Takes the block of <paramref name="publication"/> away, and every block after it. The depth is read from the
    /// height first, and the bridge may mine a block of its own in between (its first anchor is sent about when the
    /// publication is recorded): the reorg then replaced that newer block and left the publication on chain, and the
    /// test waited for a drop that could never come. So it looks, and goes deeper until the publication is gone.
    /// </summary>
    private async Task ReorgAwayAsync(ClaimRootPublished publication)
    {
        for (var attempt = 1; ; attempt++)
        {
            await bridge.Anvil.ReorgAsync((int)(await bridge.Anvil.BlockNumberAsync() - (ulong)publication.BlockNumber) + 1);
            if (await CanonicalChain.FindAsync(bridge.Reader, publication.TxHash) is null)
                return;
            output.WriteLine($"a block was mined between reading the height and the reorg; the publication {publication.TxHash} is still on chain (attempt {attempt})");
            Assert.True(attempt < 5, $"the publication {publication.TxHash} stayed on chain through {attempt} reorgs");
        }
    }
}
