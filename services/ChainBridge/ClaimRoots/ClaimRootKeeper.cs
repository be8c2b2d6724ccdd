using CommunityAI.ChainBridge.Chain;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge.ClaimRoots;

/// <summary>
/// Keeps the distributor's claim root current through reorgs. <c>EpochClosedConsumer</c> publishes each closed epoch
/// once; a reorg that drops that transaction sends the distributor back to an older epoch, and the ledger's proofs
/// (made against the newest closed epoch) would fail until the next epoch closed. On every new block this compares
/// the distributor's latest epoch with our newest recorded publication and, when the chain fell behind, publishes the
/// newest closed epoch's root again (<see cref="ClaimRootCheck"/>) and records both facts (<see cref="ClaimRootHistory"/>).
/// One active instance (the leader loop); while the chain or the database is away it retries with exponential backoff.
/// </summary>
public sealed partial class ClaimRootKeeper(
    ChainConnection chain,
    ChainHead chainHead,
    ClaimRootHistory history,
    ContractSetup contracts,
    IOptions<ClaimRootOptions> options,
    ILogger<ClaimRootKeeper> logger) : ILeaderJob
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    // Without a new block the chain cannot have changed, but the history can (a record repaired by an operator after a
    // refusal): look again now and then. Such a look reads the chain only when our record changed (see Look).
    private const int TicksBetweenIdleChecks = 20;

    /// <summary>
    /// What a look found: at this block, with this newest record of ours, the distributor held this epoch. A look at the
    /// same block finding the same record would read the same epoch, so it is not asked again (two calls to the node
    /// every ten seconds of an idle chain). A changed record is read against the chain afresh: a publication recorded
    /// since may be in a block newer than the one the bridge's head last read, and a stale epoch would read as "behind".
    /// </summary>
    private sealed record Look(BlockRef Block, RecordedClaimRoot? Published, ulong OnChain);

    private string? _refusal;

    // While the chain or the database is away the loop retries with these delays. Nothing half-done is sent twice: a
    // root is recorded only after it was mined, and one mined but not recorded (a stop in between) leaves the
    // distributor current for the next look.
    public LeaderLoopSettings Settings => new("claim-root-keeper")
    {
        RetryInitialDelay = options.Value.RetryInitialDelay,
        RetryMaxDelay = options.Value.RetryMaxDelay,
    };

    /// <summary>Finds the contracts itself (or waits for the instance deploying them): it needs no anchor to have run.</summary>
    public async Task<bool> PrepareAsync(CancellationToken ct)
    {
        await contracts.EnsureAsync(ct);
        return true;
    }

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        BlockRef? checkedAt = null;
        Look? last = null;
        var ticks = 0;
        while (!ct.IsCancellationRequested)
        {
            ++ticks;
            // By hash: anvil_reorg and real reorgs can keep the block number.
            var latest = await chainHead.LatestAsync(ct);
            if (latest != checkedAt || ticks % TicksBetweenIdleChecks == 0)
            {
                last = await CheckAsync(latest, last, ct);
                checkedAt = latest;
            }
            if (!await term.WaitAsync(Tick, ct))
                return;
        }
    }

    /// <summary>Compares the distributor's epoch with our newest publication and acts on it; null when it sent a transaction.</summary>
    private async Task<Look?> CheckAsync(BlockRef latest, Look? last, CancellationToken ct)
    {
        var distributor = new DistributorContract(chain.Sender, chain.Deployment!.DistributorAddress);
        // Our record first, the chain second: a publication that lands in between then reads as current, never as a
        // false "behind" that would send a transaction the contract refuses.
        var published = await history.NewestPublishedAsync(ct);
        var onChain = last is not null && last.Block == latest && last.Published == published
            ? last.OnChain
            : (await distributor.GetLatestRootAsync(cancellationToken: ct)).Epoch;
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
                return null;
        }
        return new Look(latest, published, onChain);
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
}
