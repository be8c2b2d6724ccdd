using MassTransit;

namespace CommunityAI.QualityScoring.IntegrationEvents.EventHandling;

/// <summary>
/// Retries what time can cure (a database crash and restart, a deadlock victim) for about a minute; a malformed message
/// (a format or argument error) fails at once and goes to the error queue. Retrying is safe: intake is idempotent.
/// </summary>
public sealed class ContributionSubmittedConsumerDefinition : ConsumerDefinition<ContributionSubmittedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ContributionSubmittedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<FormatException>();
            retry.Ignore<ArgumentException>();
            retry.Exponential(12, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500));
        });
}
