using System.Numerics;
using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.ClaimRoots;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.ServiceDefaults.History;
using Marten;
using MassTransit;

namespace CommunityAI.ChainBridge.IntegrationEvents.EventHandling;

/// <summary>
/// Publishes each closed epoch's claim root to the RewardDistributor, so contributors can claim with the
/// ledger's proofs. Idempotent: the distributor's own latest epoch says what is already published, and
/// epochs only move forward there, so a redelivered or older epoch changes nothing. A publication a reorg takes away
/// again is put back by <see cref="ClaimRootKeeper"/>. The epoch and root sent are the ledger's own record of the
/// closing, loaded by the message's id from the ledger's streams: a message the history does not back sends nothing,
/// since a forged root would pay whatever it says and a forged epoch near 2^63 would block the distributor for good.
/// </summary>
public sealed class EpochClosedConsumer(ChainConnection chain, IDocumentStore store, HistoryFacts facts, TimeProvider clock) : IConsumer<EpochClosed>
{
    public const string StreamKey = ClaimRootHistory.StreamKey;

    public async Task Consume(ConsumeContext<EpochClosed> context)
    {
        if (await facts.LoadAsync(context, ClaimRootHistory.LedgerStreamPrefix) is not { } closed)
            return;
        var deployment = chain.Deployment ?? throw new InvalidOperationException("contracts not deployed yet; retried by EpochClosedConsumerDefinition");
        var distributor = new DistributorContract(chain.Sender, deployment.DistributorAddress);
        var latest = await distributor.GetLatestRootAsync(cancellationToken: context.CancellationToken);
        // Already on chain, or superseded by a later epoch. The distributor never takes epoch 0; amounts are
        // cumulative, so whatever epoch 0 credited is claimable from epoch 1's root.
        if (closed.Epoch <= (long)latest.Epoch)
            return;

        SentTransaction sent;
        try
        {
            // The tree's cumulative total (the sum of its amounts) caps what all claims against this root may pay.
            if (!ClaimRootCheck.TryParseTotal(closed.CumulativeTotal, out var total))
                throw new FormatException($"EpochClosed {closed.Epoch} has no valid cumulative total");
            sent = await distributor.PublishRootAsync((ulong)closed.Epoch, Hex.Decode(closed.ClaimRoot, 32), total, context.CancellationToken);
        }
        catch (ContractRevertedException ex) when (ex.ErrorName == "EpochOutOfRange" && IsSuperseded(ex, closed.Epoch))
        {
            // Another replica (or an earlier delivery) published this epoch or a later one meanwhile: superseded.
            return;
        }
        await using var session = store.LightweightSession();
        session.Events.Append(StreamKey, new ClaimRootPublished(closed.Epoch, closed.ClaimRoot, chain.ChainId,
            deployment.DistributorAddress, sent.TransactionHash, (long)sent.BlockNumber, clock.GetUtcNow()));
        await session.SaveChangesAsync(context.CancellationToken);
    }

    // EpochOutOfRange(latestEpoch, proposedEpoch, maxEpochStep): only a later latest epoch makes ours superseded; a
    // step beyond the contract's bound is an error worth retrying and, in the end, the error queue.
    private static bool IsSuperseded(ContractRevertedException ex, long epoch) =>
        ex.Arguments.Count > 0 && epoch <= ex.Arguments[0] switch { BigInteger b => b, ulong u => u, _ => BigInteger.MinusOne };
}
