using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using MassTransit;

namespace CommunityAI.RewardLedger.IntegrationEvents.EventHandling;

/// <summary>
/// Takes up a reward policy the community voted for. The message only says that governance recorded an activation: the
/// policy applied is the stored event's, in governance's own streams, and a message the history does not back (a forged
/// <see cref="PolicyActivated"/>) changes nothing.
/// </summary>
public sealed class PolicyActivatedConsumer(HistoryFacts facts, RewardPolicyBook policies) : IConsumer<PolicyActivated>
{
    public async Task Consume(ConsumeContext<PolicyActivated> context)
    {
        if (await facts.LoadAsync(context, RewardPolicyBook.GovernanceStreamPrefix) is { } activation)
            await policies.ApplyAsync(activation, context.CancellationToken);
    }
}
