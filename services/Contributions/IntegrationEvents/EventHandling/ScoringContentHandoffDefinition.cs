using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// The handoff takes its notices in batches of up to <see cref="MessageLimit"/>, two batches at a time, and waits at most
/// <see cref="TimeLimit"/> for a batch to fill: a single contribution's content reaches quality-scoring that much later,
/// where its review lasts minutes.
/// </summary>
public sealed class ScoringContentHandoffDefinition : ConsumerDefinition<ScoringContentHandoff>
{
    public const int MessageLimit = 100;
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(20);

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ScoringContentHandoff> consumerConfigurator, IRegistrationContext context) =>
        // Two batches of 100 fill the bus's default prefetch of 200; MassTransit raises the endpoint's limits to fit.
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(MessageLimit)
            .SetTimeLimit(TimeLimit)
            .SetConcurrencyLimit(2));
}
