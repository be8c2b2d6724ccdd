using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// The documented partner queue for batches (contracts/asyncapi.yaml). A queue of its own rather than a second message
/// type on <c>contributions-submit</c>: a plain JSON body carries no type, and on a shared queue every consumer of it
/// would read each body as its own message.
/// </summary>
public sealed class SubmitContributionsConsumerDefinition : ConsumerDefinition<SubmitContributionsConsumer>
{
    public const string QueueName = "contributions-submit-batch";

    public SubmitContributionsConsumerDefinition()
    {
        EndpointName = QueueName;
        // One batch at a time per replica, in the queue's order: a batch already spreads its thousand signature recoveries
        // over every core, so a second one would only compete for them (and hold a second connection). Replicas scale it.
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SubmitContributionsConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Raw JSON (content type application/json, or none) is read as SubmitContributions; envelopes still work.
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        // Transient store failures are retried by the bus default (ServiceDefaults/Messaging/BusExtensions.cs); refused
        // items are not exceptions, so they are never retried.
    }
}
