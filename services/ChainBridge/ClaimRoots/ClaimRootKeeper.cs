using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.ChainBridge.ClaimRoots;

/// <summary>
/// Keeps the distributor's claim root current through reorgs. <c>EpochClosedConsumer</c> publishes each closed epoch
/// once; a reorg that drops that transaction sends the distributor back to an older epoch, and the ledger's proofs
/// (made against the newest closed epoch) would fail until the next epoch closed. On every new block this compares
/// the distributor's latest epoch with our newest recorded publication and, when the chain fell behind, publishes the
/// newest closed epoch's root again (<see cref="ClaimRootCheck"/>) and records both facts (<see cref="ClaimRootHistory"/>).
/// One active instance (leader lock); while the chain or the database is away it retries with exponential backoff.
/// </summary>
public sealed partial class ClaimRootKeeper(
    ChainConnection chain,
    ClaimRootHistory history,
    NpgsqlDataSource dataSource,
    IOptions<AnchorOptions> anchorOptions,
    TimeProvider clock,
    ILogger<ClaimRootKeeper> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan FollowerDelay = TimeSpan.FromSeconds(2);

    // Without a new block the chain cannot have changed, but the history can (a record repaired by an operator after a
    // refusal): look again now and then.
    private const int TicksBetweenIdleChecks = 20;

    private int _failures;
    private string? _refusal;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = anchorOptions.Value;
        var backoff = new RetryBackoff(options.RetryInitialDelay, options.RetryMaxDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // The anchor scheduler finds or deploys the contracts; until then there is no distributor to watch.
                if (chain.Deployment is null)
                {
                    await Task.Delay(Tick, clock, stoppingToken);
                    continue;
                }
                await using var leader = await LeaderLock.TryAcquireAsync(dataSource, "claim-root-keeper", stoppingToken);
                if (leader is null)
                {
                    await Task.Delay(FollowerDelay, clock, stoppingToken);
                    continue;
                }
                await KeepWhileLeadingAsync(leader, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Nothing half-done is sent twice: a root is recorded only after it was mined, and one mined but not
                // recorded (a stop in between) leaves the distributor current for the next look.
                if (++_failures == 1)
                    LogPaused(ex);
                else
                    LogStillFailing(_failures, ex.Message);
                await Task.Delay(backoff.DelayAfter(_failures, Random.Shared.NextDouble()), clock, stoppingToken);
            }
        }
    }

    private async Task KeepWhileLeadingAsync(LeaderLock leader, CancellationToken ct)
    {
        BlockRef? checkedAt = null;
        var ticks = 0;
        while (!ct.IsCancellationRequested)
        {
            if (++ticks % 40 == 0 && !await leader.IsHeldAsync(ct))
                return;
            // By hash: anvil_reorg and real reorgs can keep the block number.
            var latest = await CanonicalChain.LatestBlockAsync(chain.Sender.Web3, ct);
            if (latest != checkedAt || ticks % TicksBetweenIdleChecks == 0)
            {
                await CheckAsync(latest, ct);
                checkedAt = latest;
            }
            if (_failures > 0)
            {
                LogResumed(_failures);
                _failures = 0;
            }
            await Task.Delay(Tick, clock, ct);
        }
    }

    private async Task CheckAsync(BlockRef latest, CancellationToken ct)
    {
        var distributor = new DistributorContract(chain.Sender, chain.Deployment!.DistributorAddress);
        // Our record first, the chain second: a publication that lands in between then reads as current, never as a
        // false "behind" that would send a transaction the contract refuses.
        var published = await history.NewestPublishedAsync(ct);
        var onChain = (await distributor.GetLatestRootAsync(cancellationToken: ct)).Epoch;
        var closed = ClaimRootCheck.IsBehind(onChain, published) ? await history.NewestClosedAsync(ct) : null;
        var decision = ClaimRootCheck.Decide(onChain, published, closed);
        switch (decision.Verdict)
        {
            case ClaimRootVerdict.UpToDate:
                _refusal = null;
                LogCurrent(onChain, latest.Number);
                break;
            case ClaimRootVerdict.Refused:
                // Said once per distinct problem, not on every block.
                if (decision.Reason != _refusal)
                    LogRefused(onChain, published!.Epoch, decision.Reason);
                _refusal = decision.Reason;
                break;
            case ClaimRootVerdict.Republish:
                _refusal = null;
                await RepublishAsync(distributor, published!, onChain, decision, ct);
                break;
        }
    }

    private async Task RepublishAsync(DistributorContract distributor, RecordedClaimRoot lost, ulong onChain, ClaimRootDecision decision,
        CancellationToken ct)
    {
        SentTransaction sent;
        try
        {
            sent = await distributor.PublishRootAsync((ulong)decision.Epoch, decision.Root, decision.CumulativeTotal, ct);
        }
        catch (ContractRevertedException ex) when (ex.ErrorName == "EpochOutOfRange")
        {
            // EpochClosedConsumer (here or on another replica) published this epoch or a later one meanwhile, and
            // records it itself.
            LogSuperseded(decision.Epoch);
            return;
        }
        var recorded = await history.RecordRepublishedAsync(lost, onChain, decision.Epoch, decision.Root, sent, ct);
        LogRepublished(lost.Epoch, lost.TxHash, onChain, recorded.Epoch, recorded.TxHash, sent.BlockNumber);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The distributor holds epoch {Epoch} at block {BlockNumber}; claim roots are current")]
    private partial void LogCurrent(ulong epoch, ulong blockNumber);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The publication of epoch {LostEpoch} ({LostTxHash}) is no longer on chain and the distributor holds epoch {OnChainEpoch}; published epoch {Epoch}'s root again in {TxHash} (block {BlockNumber})")]
    private partial void LogRepublished(long lostEpoch, string lostTxHash, ulong onChainEpoch, long epoch, string txHash, ulong blockNumber);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "The distributor holds epoch {OnChainEpoch}, behind published epoch {PublishedEpoch}, but no root is published again: {Reason}")]
    private partial void LogRefused(ulong onChainEpoch, long publishedEpoch, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch {Epoch} or a later one was published meanwhile; nothing to publish again")]
    private partial void LogSuperseded(long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claim root checks paused: the chain or the database failed; retrying with backoff")]
    private partial void LogPaused(Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Claim root checks still paused after {Failures} attempts: {Error}")]
    private partial void LogStillFailing(int failures, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Claim root checks resumed after {Failures} failed attempts")]
    private partial void LogResumed(int failures);
}
