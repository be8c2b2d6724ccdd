using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using MassTransit;

namespace CommunityAI.RewardLedger.IntegrationEvents.EventHandling;

/// <summary>
/// Credits each scored contribution exactly once; the store, not this consumer, refuses a second credit. The message
/// only says that quality-scoring recorded a score: the credit follows the score in quality-scoring's own streams, and
/// a message the history does not back credits nothing.
/// </summary>
public sealed class ContributionScoredConsumer(HistoryFacts facts, CreditWriter credits) : IConsumer<ContributionScored>
{
    /// <summary>Quality-scoring's streams: the only ones whose <see cref="ContributionScored"/> events are scores.</summary>
    public const string ScoringStreamPrefix = "scoring/";

    public async Task Consume(ConsumeContext<ContributionScored> context)
    {
        if (await facts.LoadAsync(context, ScoringStreamPrefix) is { } scored)
            await credits.CreditAsync(scored, context.CancellationToken);
    }
}
