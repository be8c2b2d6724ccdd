using System.Globalization;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using Marten;
using CommunityAI.ServiceDefaults.History;
using MassTransit;
using Microsoft.Extensions.Options;

namespace CommunityAI.RewardLedger.IntegrationEvents.EventHandling;

/// <summary>
/// Credits each scored contribution exactly once: the credit's stream is keyed by the contribution id,
/// so the store refuses a second credit whatever the bus redelivers.
/// </summary>
public sealed class ContributionScoredConsumer(IDocumentStore store, IOptions<EpochOptions> epochs, TimeProvider clock)
    : IConsumer<ContributionScored>
{
    public async Task Consume(ConsumeContext<ContributionScored> context)
    {
        var scored = context.Message;
        var policy = RewardPolicy.Initial;
        var now = clock.GetUtcNow();
        var rewarded = new ContributionRewarded(
            scored.ContributionId, scored.Contributor,
            policy.RewardFor(scored.Kind, scored.Score).ToString(CultureInfo.InvariantCulture),
            epochs.Value.EpochAt(now), policy.Version, now);
        try
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(Extensions.StreamPrefix + "credits/" + scored.ContributionId, rewarded);
            await session.SaveChangesAsync(context.CancellationToken);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            // Already credited: a redelivery.
        }
    }
}
