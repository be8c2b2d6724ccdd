using CommunityAI.ChainBridge.Chain;
using MassTransit;

namespace CommunityAI.ChainBridge.IntegrationEvents.EventHandling;

/// <summary>
/// Claim roots go to the chain one at a time and are retried through chain outages. The distributor takes epochs
/// strictly in order, so two epochs published at once made the lower one revert; and a node that is down for a
/// while is no reason to give a claim root up (the bus default retries database hiccups only).
/// </summary>
public sealed class EpochClosedConsumerDefinition : ConsumerDefinition<EpochClosedConsumer>
{
    public EpochClosedConsumerDefinition()
    {
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<EpochClosedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.UseMessageRetry(retry =>
        {
            // A revert is the contract's answer, not an outage: trying again cannot change it.
            retry.Ignore<ContractRevertedException>();
            retry.Exponential(10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(2));
        });
    }
}
