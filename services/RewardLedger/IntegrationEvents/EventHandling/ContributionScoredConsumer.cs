using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Infrastructure;
using MassTransit;

namespace CommunityAI.RewardLedger.IntegrationEvents.EventHandling;

/// <summary>Credits each scored contribution exactly once; the store, not this consumer, refuses a second credit.</summary>
public sealed class ContributionScoredConsumer(CreditWriter credits) : IConsumer<ContributionScored>
{
    public Task Consume(ConsumeContext<ContributionScored> context) => credits.CreditAsync(context.Message, context.CancellationToken);
}
