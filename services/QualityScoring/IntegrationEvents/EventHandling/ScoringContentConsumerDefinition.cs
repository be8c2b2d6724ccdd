using CommunityAI.Contracts;
using MassTransit;

namespace CommunityAI.QualityScoring.IntegrationEvents.EventHandling;

/// <summary>
/// Content arrives only by a send to its own queue (contracts/asyncapi.yaml, scoringContent), never on the public bus:
/// the endpoint binds no message type exchange, so no login that may publish events can reach this queue.
/// </summary>
public sealed class ScoringContentConsumerDefinition : ConsumerDefinition<ScoringContentConsumer>
{
    public ScoringContentConsumerDefinition()
    {
        EndpointName = ScoringContent.QueueName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ScoringContentConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.ConfigureConsumeTopology = false;
}
