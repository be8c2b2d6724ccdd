using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Log;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// Finds or deploys our contracts, then anchors the log's head every period (or sooner when many entries
/// wait) whenever it grew: one transaction per period whatever the volume. Follows each anchor until it is
/// confirmed, and anchors again when a reorg drops one. Every change is recorded in the history
/// (<see cref="AnchorHistory"/>). One active instance (leader lock); while the chain or the database is away it
/// retries with exponential backoff, then catches up with one anchor of the current head.
/// </summary>
public sealed partial class AnchorScheduler(
    ChainConnection chain,
    LogStore log,
    AnchorHistory history,
    AnchoringStatus status,
    IDocumentStore store,
    NpgsqlDataSource dataSource,
    IOptions<ChainOptions> chainOptions,
    IOptions<AnchorOptions> anchorOptions,
    TimeProvider clock,
    ILogger<AnchorScheduler> logger) : BackgroundService
{
    public const string StreamKey = AnchorHistory.StreamKey;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan FollowerDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = anchorOptions.Value;
        var backoff = new RetryBackoff(options.RetryInitialDelay, options.RetryMaxDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                chain.Deployment ??= await FindOrDeployAsync(stoppingToken);
                await using var leader = await LeaderLock.TryAcquireAsync(dataSource, "anchor-scheduler", stoppingToken);
                if (leader is null)
                {
                    // Another instance anchors; that is no outage of ours.
                    ReportSuccess();
                    await Task.Delay(FollowerDelay, clock, stoppingToken);
                    continue;
                }
                await AnchorWhileLeadingAsync(leader, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Chain or database away. Nothing half-done is left behind: an anchor sent but not recorded is found
                // on chain by the next round, and the next anchor covers whatever the head is by then.
                var outage = status.RecordFailure(clock.GetUtcNow(), ex);
                if (outage.Failures == 1)
                    LogOutageStarted(ex);
                else
                    LogStillFailing(outage.Failures, ex.Message);
                await Task.Delay(backoff.DelayAfter(outage.Failures, Random.Shared.NextDouble()), clock, stoppingToken);
            }
        }
    }

    private async Task AnchorWhileLeadingAsync(LeaderLock leader, CancellationToken ct)
    {
        var anchor = chain.Anchor;
        var onChain = await RecordAnchorsFoundOnChainAsync(anchor, ct);
        var newest = await history.NewestAsync(ct);
        var recordedMax = newest?.TreeSize ?? 0;
        // After an outage the period has usually passed: the first round anchors at once, catching up.
        var lastAnchorAt = newest?.AnchoredAt ?? DateTimeOffset.MinValue;
        BlockRef? checkedAt = null;
        var ticks = 0;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(Tick, clock, ct);
            if (++ticks % 40 == 0 && !await leader.IsHeldAsync(ct))
                return;
            var options = anchorOptions.Value;

            // A new latest block (by hash: anvil_reorg and real reorgs can keep the number) is the moment to
            // look at the anchors a reorg could still take away.
            var latest = await CanonicalChain.LatestBlockAsync(chain.Sender.Web3, ct);
            if (latest != checkedAt)
            {
                if (await CheckReversibleAnchorsAsync(latest, options, ct))
                {
                    onChain = (long)(await anchor.GetLatestHeadAsync(cancellationToken: ct)).TreeSize;
                    lastAnchorAt = DateTimeOffset.MinValue;
                }
                checkedAt = latest;
            }
            ReportSuccess();

            var head = await log.ReadHeadAsync(ct);
            var due = clock.GetUtcNow() - lastAnchorAt >= options.Period || head.TreeSize - onChain >= options.EveryEntries;
            // Sizes in the view stay unique and growing: a re-anchor after a drop waits until the log passed the
            // dropped size (our own records of the drop get it there within moments).
            if (!due || head.TreeSize <= onChain || head.TreeSize <= recordedMax)
                continue;
            // Our own records (anchored, confirmed, dropped) grow the log too; alone they are no reason to anchor
            // again, or an idle system would send a transaction every period forever.
            if (!await log.HasEntriesOutsideStreamAsync(onChain, AnchorHistory.StreamKey, ct))
                continue;

            var sent = await anchor.AnchorAsync((ulong)head.TreeSize, head.RootHash, ct);
            var recorded = await history.RecordAnchoredAsync(head, sent, ct);
            LogAnchored(head.TreeSize, sent.TransactionHash, sent.GasUsed);
            onChain = recordedMax = head.TreeSize;
            lastAnchorAt = recorded.AnchoredAt;
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

    private void ReportSuccess()
    {
        if (status.RecordSuccess() is { } ended)
            LogOutageEnded(clock.GetUtcNow() - ended.Since, ended.Failures);
    }

    private async Task<DeployedContracts> FindOrDeployAsync(CancellationToken ct)
    {
        var configured = chainOptions.Value;
        await using var session = store.LightweightSession();
        var record = await session.LoadAsync<DeploymentRecord>(DeploymentRecord.CurrentId, ct);
        DeployedContracts? known = configured.AnchorContract is { Length: > 0 } a
            ? new DeployedContracts(a, configured.TokenContract ?? "", configured.DistributorContract ?? "")
            : record is not null && record.ChainId == chain.ChainId
                ? new DeployedContracts(record.AnchorAddress, record.TokenAddress, record.DistributorAddress, record.DeploymentBlock)
                : null;
        var deployment = await ContractLocator.FindOrDeployAsync(chain, configured, known, ct);
        session.Store(new DeploymentRecord(DeploymentRecord.CurrentId, chain.ChainId, deployment.AnchorAddress,
            deployment.TokenAddress, deployment.DistributorAddress, deployment.DeploymentBlock));
        await session.SaveChangesAsync(ct);
        LogContracts(deployment.AnchorAddress, deployment.DistributorAddress);
        return deployment;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Using HistoryAnchor at {Anchor} and RewardDistributor at {Distributor}")]
    private partial void LogContracts(string anchor, string distributor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchoring paused: the chain or the database failed; retrying with backoff")]
    private partial void LogOutageStarted(Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Anchoring still paused after {Failures} attempts: {Error}")]
    private partial void LogStillFailing(int failures, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchoring resumed after {Duration} and {Failures} failed attempts")]
    private partial void LogOutageEnded(TimeSpan duration, int failures);
}
