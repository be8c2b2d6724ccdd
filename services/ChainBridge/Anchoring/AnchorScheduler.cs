using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// Finds or deploys our contracts, then anchors the log's head every period (or sooner when many entries
/// wait) whenever it grew: one transaction per period whatever the volume. Each anchor is recorded as a
/// TreeHeadAnchored event in the history. One active instance (leader lock); chain outages are retried.
/// </summary>
public sealed partial class AnchorScheduler(
    ChainConnection chain,
    LogStore log,
    IDocumentStore store,
    NpgsqlDataSource dataSource,
    IOptions<ChainOptions> chainOptions,
    IOptions<AnchorOptions> anchorOptions,
    TimeProvider clock,
    ILogger<AnchorScheduler> logger) : BackgroundService
{
    public const string StreamKey = "chain/anchors";
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                chain.Deployment ??= await FindOrDeployAsync(stoppingToken);
                await using var leader = await LeaderLock.TryAcquireAsync(dataSource, "anchor-scheduler", stoppingToken);
                if (leader is null)
                {
                    await Task.Delay(RetryDelay, stoppingToken);
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
                // Chain or database away: nothing was recorded, the next round anchors whatever the head is then.
                LogAnchoringPaused(ex);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    private async Task AnchorWhileLeadingAsync(LeaderLock leader, CancellationToken ct)
    {
        var anchor = chain.Anchor;
        var anchored = (long)(await anchor.GetLatestHeadAsync(cancellationToken: ct)).TreeSize;
        var recordedSinceAnchor = anchored > 0;
        var lastAnchorAt = clock.GetUtcNow();
        var ticks = 0;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(Tick, clock, ct);
            if (++ticks % 40 == 0 && !await leader.IsHeldAsync(ct))
                return;

            var head = await log.ReadHeadAsync(ct);
            var options = anchorOptions.Value;
            var due = clock.GetUtcNow() - lastAnchorAt >= options.Period || head.TreeSize - anchored >= options.EveryEntries;
            // Our own TreeHeadAnchored event grows the log by one; that alone is no reason to anchor again,
            // or an idle system would send a transaction every period forever.
            var grewBeyondOwnRecord = head.TreeSize > anchored + (recordedSinceAnchor ? 1 : 0);
            if (!grewBeyondOwnRecord || !due)
                continue;

            var sent = await anchor.AnchorAsync((ulong)head.TreeSize, head.RootHash, ct);
            await RecordAsync(head, sent, ct);
            LogAnchored(head.TreeSize, sent.TransactionHash, sent.GasUsed);
            anchored = head.TreeSize;
            recordedSinceAnchor = true;
            lastAnchorAt = clock.GetUtcNow();
        }
    }

    private async Task RecordAsync(LogHead head, SentTransaction sent, CancellationToken ct)
    {
        var anchoredEvent = new TreeHeadAnchored(head.TreeSize, Hex.Encode(head.RootHash), chain.ChainId,
            chain.Deployment!.AnchorAddress, sent.TransactionHash, (long)sent.BlockNumber, clock.GetUtcNow());
        await using var session = store.LightweightSession();
        session.Events.Append(StreamKey, anchoredEvent);
        session.Store(new AnchorView
        {
            Id = head.TreeSize,
            RootHash = anchoredEvent.RootHash,
            TxHash = sent.TransactionHash,
            BlockNumber = (long)sent.BlockNumber,
            Confirmation = "included",
            AnchoredAt = anchoredEvent.AnchoredAt,
        });
        await session.SaveChangesAsync(ct);
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
        var deployment = await ChainDeployer.FindOrDeployAsync(chain.Sender, known, chain.Sender.Address, chain.Sender.Address, ct);
        session.Store(new DeploymentRecord(DeploymentRecord.CurrentId, chain.ChainId, deployment.AnchorAddress,
            deployment.TokenAddress, deployment.DistributorAddress, deployment.DeploymentBlock));
        await session.SaveChangesAsync(ct);
        LogContracts(deployment.AnchorAddress, deployment.DistributorAddress);
        return deployment;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchored tree size {TreeSize} in {TxHash} ({GasUsed} gas)")]
    private partial void LogAnchored(long treeSize, string txHash, ulong gasUsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using HistoryAnchor at {Anchor} and RewardDistributor at {Distributor}")]
    private partial void LogContracts(string anchor, string distributor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchoring paused after a failure; retrying")]
    private partial void LogAnchoringPaused(Exception ex);
}
