using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;
using Marten;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// Runs before every anchor: reads the head the HistoryAnchor contract holds and the log's own nodes, and lets the
/// anchor go out only when the log extends that head (<see cref="ForeignHistoryCheck"/>). On a mismatch nothing is
/// sent, the health check reports the service unhealthy with the reason, the finding is recorded once in the history
/// (<see cref="AnchoringHalted"/>) and logged.
/// </summary>
public sealed partial class ForeignHistoryGuard(
    ChainConnection chain,
    LogStore log,
    AnchoringHalt halt,
    IDocumentStore store,
    TimeProvider clock,
    ILogger<ForeignHistoryGuard> logger)
{
    /// <summary>Whether <paramref name="head"/> may be anchored on <paramref name="anchor"/>.</summary>
    public async Task<bool> AllowsAsync(AnchorContract anchor, LogHead head, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(head);
        var onChain = await anchor.GetLatestHeadAsync(cancellationToken: ct);
        var size = (long)onChain.TreeSize;
        byte[]? localRoot = null;
        IReadOnlyList<byte[]> proof = [];
        if (size > 0 && size <= head.TreeSize)
        {
            var plan = ConsistencyProof.Plan(size, head.TreeSize);
            var nodes = await log.ReadNodesAsync([.. plan.NodeIds, .. CompactRange.NodeIdsFor(size)], ct);
            localRoot = CompactRange.Restore(size, id => nodes.GetValueOrDefault(id)).RootHash();
            proof = plan.Build(id => nodes.GetValueOrDefault(id));
        }

        if (ForeignHistoryCheck.FindMismatch(onChain, head, localRoot, proof) is not { } reason)
        {
            if (halt.Reason is not null)
                LogResumed(size);
            halt.Clear();
            return true;
        }
        if (halt.Reason != reason)
        {
            LogHalted(size, head.TreeSize, reason);
            await RecordOnceAsync(onChain, localRoot, head.TreeSize, reason, anchor.Address, ct);
        }
        halt.Halt(reason);
        return false;
    }

    // Once per finding, across restarts too: the history already holding the same finding is enough.
    private async Task RecordOnceAsync(AnchoredHead onChain, byte[]? localRoot, long localSize, string reason, string anchorAddress, CancellationToken ct)
    {
        var size = (long)onChain.TreeSize;
        var onChainRoot = Hex.Encode(onChain.RootHash);
        var local = localRoot is null ? null : Hex.Encode(localRoot);
        await using var session = store.LightweightSession();
        var known = await session.Events.QueryRawEventDataOnly<AnchoringHalted>()
            .AnyAsync(e => e.OnChainTreeSize == size && e.OnChainRoot == onChainRoot && e.LocalRoot == local, ct);
        if (known)
            return;
        session.Events.Append(AnchorHistory.StreamKey,
            new AnchoringHalted(size, onChainRoot, local, localSize, reason, chain.ChainId, anchorAddress, clock.GetUtcNow()));
        await session.SaveChangesAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Anchoring halted: the log does not extend the head anchored on chain (tree size {OnChainTreeSize}, log size {LogTreeSize}): {Reason}. Nothing is anchored until the history the chain anchors is restored")]
    private partial void LogHalted(long onChainTreeSize, long logTreeSize, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchoring resumed: the log extends the head anchored on chain at tree size {OnChainTreeSize} again")]
    private partial void LogResumed(long onChainTreeSize);
}
