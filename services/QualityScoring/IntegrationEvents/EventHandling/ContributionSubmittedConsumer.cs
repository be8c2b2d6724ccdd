using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Infrastructure;
using MassTransit;

namespace CommunityAI.QualityScoring.IntegrationEvents.EventHandling;

/// <summary>
/// Takes each submitted contribution into scoring once; the store, not this consumer, refuses a second intake, so a
/// redelivered message changes nothing.
/// </summary>
public sealed class ContributionSubmittedConsumer(ContributionIntakeWriter intake) : IConsumer<ContributionSubmitted>
{
    public Task Consume(ConsumeContext<ContributionSubmitted> context) => intake.TakeInAsync(context.Message, context.CancellationToken);
}
