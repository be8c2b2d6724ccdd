using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// The documented partner queue (contracts/asyncapi.yaml). It reads MassTransit envelopes and plain JSON bodies
/// alike, so partners without MassTransit publish the command's JSON as it is.
/// </summary>
public sealed class SubmitContributionConsumerDefinition : ConsumerDefinition<SubmitContributionConsumer>
{
    public const string QueueName = "contributions-submit";

    public SubmitContributionConsumerDefinition()
    {
        EndpointName = QueueName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SubmitContributionConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Raw JSON (content type application/json, or none) is read as SubmitContribution; envelopes still work.
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        // Transient store failures are retried by the bus default (ServiceDefaults/Messaging/BusExtensions.cs);
        // a refused command is not an exception, so it is never retried.
    }
}
