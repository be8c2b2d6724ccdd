using System.Security.Cryptography;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;

namespace CommunityAI.Benchmarks.ChainBridge;

/// <summary>
/// Gas of real HistoryAnchor.anchor transactions on anvil, sent as the bridge sends them (ChainDeployer,
/// AnchorContract, TransactionSender). An anchor commits one tree head whatever the number of events
/// under it, so gas per event is the anchor's gas divided by the events it covers.
/// </summary>
internal static class AnchorGas
{
    public sealed record Anchor(long EventsInPeriod, long TreeSize, ulong Gas);

    public static async Task<IReadOnlyList<Anchor>> MeasureAsync(IReadOnlyList<long> eventsPerPeriod)
    {
        var anvil = new AnvilNode();
        await anvil.InitializeAsync();
        try
        {
            using var sender = TransactionSender.Create(anvil.RpcUrl, AnvilNode.DevPrivateKeys[0], AnvilNode.ChainId);
            var contracts = await ChainDeployer.DeployAsync(sender, new ContractRoles(AnvilNode.DevAddresses[9], AnvilNode.DevAddresses[8], sender.Address, sender.Address));
            var anchor = new AnchorContract(sender, contracts.AnchorAddress);
            var anchors = new List<Anchor>();
            long treeSize = 0;
            // Two periods of each size: the first anchor ever costs more (the root's slot goes from zero to non-zero once).
            foreach (var events in eventsPerPeriod.SelectMany(e => new[] { e, e }))
            {
                treeSize += events;
                var sent = await anchor.AnchorAsync((ulong)treeSize, RandomNumberGenerator.GetBytes(32));
                anchors.Add(new Anchor(events, treeSize, sent.GasUsed));
            }
            return anchors;
        }
        finally
        {
            await anvil.DisposeAsync();
        }
    }
}
