using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Log;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// Anchors the log's head every period (or sooner when many entries
/// wait) whenever it grew: one transaction per period whatever the volume. Follows each anchor until it is
/// confirmed, and anchors again when a reorg drops one. Every change is recorded in the history
/// (<see cref="AnchorHistory"/>). One active instance (the leader loop); while the chain or the database is away it
/// retries with exponential backoff, then catches up with one anchor of the current head.
/// </summary>
public sealed partial class AnchorScheduler(
    ChainConnection chain,
    ChainHead chainHead,
    LogStore log,
    AnchorHistory history,
    ForeignHistoryGuard guard,
    LogGauges gauges,
    ContractSetup contracts,
    IOptions<AnchorOptions> anchorOptions,
    TimeProvider clock,
    ILogger<AnchorScheduler> logger) : ILeaderJob
{
    public const string StreamKey = AnchorHistory.StreamKey;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    // While the chain or the database is away the loop retries with these delays. Nothing half-done is left behind: an
    // anchor sent but not recorded is found on chain by the next term, and the next anchor covers whatever the head is
    // by then.
    public LeaderLoopSettings Settings => new("anchor-scheduler")
    {
        RetryInitialDelay = anchorOptions.Value.RetryInitialDelay,
        RetryMaxDelay = anchorOptions.Value.RetryMaxDelay,
    };

    /// <summary>Every instance finds the contracts (the API needs them), leader or not.</summary>
    public async Task<bool> PrepareAsync(CancellationToken ct)
    {
        await contracts.EnsureAsync(ct);
        return true;
    }

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        var anchor = chain.Anchor;
        await history.RestoreViewsAsync(ct);
        var onChain = await RecordAnchorsFoundOnChainAsync(anchor, ct);
        var newest = await history.NewestAsync(ct);
        var recordedMax = newest?.TreeSize ?? 0;
        // After an outage the period has usually passed: the first round anchors at once, catching up.
        var lastAnchorAt = newest?.AnchoredAt ?? DateTimeOffset.MinValue;
        if (newest is not null)
            gauges.Anchored(newest.TreeSize, newest.AnchoredAt);
        BlockRef? checkedAt = null;
        while (!ct.IsCancellationRequested)
        {
            if (!await term.WaitAsync(Tick, ct))
                return;
            var options = anchorOptions.Value;

            // A new latest block (by hash: anvil_reorg and real reorgs can keep the number) is the moment to
            // look at the anchors a reorg could still take away.
            var latest = await chainHead.LatestAsync(ct);
            if (latest != checkedAt)
            {
                if (await CheckReversibleAnchorsAsync(latest, options, ct))
                {
                    onChain = (long)(await anchor.GetLatestHeadAsync(cancellationToken: ct)).TreeSize;
                    lastAnchorAt = DateTimeOffset.MinValue;
                }
                checkedAt = latest;
            }

            var head = await log.ReadHeadAsync(ct);
            gauges.LogGrew(head.TreeSize);
            var due = clock.GetUtcNow() - lastAnchorAt >= options.Period || head.TreeSize - onChain >= options.EveryEntries;
            // Sizes in the view stay unique and growing: a re-anchor after a drop waits until the log passed the
            // dropped size (our own records of the drop get it there within moments).
            if (!due || head.TreeSize <= onChain || head.TreeSize <= recordedMax)
                continue;
            // Our own records (anchored, confirmed, dropped) grow the log too; alone they are no reason to anchor
            // again, or an idle system would send a transaction every period forever.
            if (!await log.HasEntriesOutsideStreamAsync(onChain, AnchorHistory.StreamKey, ct))
                continue;
            // Never anchor a history that does not extend the one already on chain.
            if (!await guard.AllowsAsync(anchor, head, ct))
                continue;

            var sent = await anchor.AnchorAsync((ulong)head.TreeSize, head.RootHash, ct);
            var recorded = await history.RecordAnchoredAsync(head, sent, ct);
            LogAnchored(head.TreeSize, sent.TransactionHash, sent.GasUsed);
            onChain = recordedMax = head.TreeSize;
            lastAnchorAt = recorded.AnchoredAt;
            gauges.Anchored(head.TreeSize, recorded.AnchoredAt);
        }
    }

    /// <summary>Follows every anchor a reorg could still drop; returns whether one was dropped.</summary>
    private async Task<bool> CheckReversibleAnchorsAsync(BlockRef latest, AnchorOptions options, CancellationToken ct)
    {
        var dropped = false;
        var reversible = await history.StillReversibleAsync((long)latest.Number - options.ReorgWindow, ct);
        foreach (var anchor in reversible)
        {
            var inclusion = await CanonicalChain.FindAsync(chain.Sender.Web3, anchor.TxHash, ct);
            switch (AnchorCheck.Assess(anchor, inclusion, latest.Number, options.Confirmations))
            {
                case AnchorVerdict.Confirmed:
                    await history.RecordConfirmedAsync(anchor, inclusion!, options.Confirmations, ct);
                    LogConfirmed(anchor.TreeSize, anchor.TxHash, inclusion!.BlockNumber);
                    break;
                case AnchorVerdict.Moved:
                    await history.RecordMovedAsync(anchor, inclusion!, ct);
                    LogMoved(anchor.TreeSize, anchor.TxHash, anchor.BlockNumber, inclusion!.BlockNumber);
                    break;
                case AnchorVerdict.Dropped:
                    await history.RecordDroppedAsync(anchor, ct);
                    LogDropped(anchor.TreeSize, anchor.TxHash, anchor.BlockNumber);
                    dropped = true;
                    break;
            }
        }
        return dropped;
    }

    /// <summary>
    /// Records anchors that are on chain but not in our records: sent just before the process or the node stopped,
    /// so the receipt never came back. Returns the tree size anchored on chain now.
    /// </summary>
    private async Task<long> RecordAnchorsFoundOnChainAsync(AnchorContract anchor, CancellationToken ct)
    {
        var onChain = (long)(await anchor.GetLatestHeadAsync(cancellationToken: ct)).TreeSize;
        var kept = await history.NewestKeptSizeAsync(ct);
        if (onChain <= kept)
            return onChain;
        var from = kept > 0 && await history.FindAsync(kept, ct) is { } last
            ? (ulong)last.BlockNumber
            : chain.Deployment!.DeploymentBlock;
        var to = (await CanonicalChain.LatestBlockAsync(chain.Sender.Web3, ct)).Number;
        foreach (var found in await anchor.GetAnchoredHeadsAsync(from, to, ct))
        {
            if ((long)found.TreeSize <= kept)
                continue;
            var known = await history.FindAsync((long)found.TreeSize, ct);
            if (known is null)
                await history.RecordFoundOnChainAsync(found, ct);
            else if (string.Equals(known.TxHash, found.TransactionHash, StringComparison.OrdinalIgnoreCase))
                // Marked dropped, yet its transaction came back (re-mined from the pool).
                await history.RecordMovedAsync(known, new TransactionInclusion(found.BlockNumber, found.BlockHash, true), ct);
            else
                continue;
            LogFoundOnChain((long)found.TreeSize, found.TransactionHash);
        }
        return onChain;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchored tree size {TreeSize} in {TxHash} ({GasUsed} gas)")]
    private partial void LogAnchored(long treeSize, string txHash, ulong gasUsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchor of tree size {TreeSize} in {TxHash} confirmed at block {BlockNumber}")]
    private partial void LogConfirmed(long treeSize, string txHash, ulong blockNumber);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A reorg moved the anchor of tree size {TreeSize} ({TxHash}) from block {From} to block {To}; confirmations start over")]
    private partial void LogMoved(long treeSize, string txHash, long from, ulong to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A reorg dropped the anchor of tree size {TreeSize} ({TxHash}, block {BlockNumber}); anchoring the current head again")]
    private partial void LogDropped(long treeSize, string txHash, long blockNumber);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recorded the anchor of tree size {TreeSize} ({TxHash}) found on chain; it was sent before a stop")]
    private partial void LogFoundOnChain(long treeSize, string txHash);
}
