using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using MassTransit;

namespace CommunityAI.QualityScoring.IntegrationEvents.EventHandling;

/// <summary>
/// Takes up a scoring policy the community voted for. The policy recorded is the stored event's, in governance's own
/// streams; a message the history does not back (a forged <see cref="PolicyActivated"/>) changes nothing.
/// </summary>
public sealed class PolicyActivatedConsumer(HistoryFacts facts, ScoringPolicyBook policies) : IConsumer<PolicyActivated>
{
    public async Task Consume(ConsumeContext<PolicyActivated> context)
    {
        if (await facts.LoadAsync(context, ScoringPolicyBook.GovernanceStreamPrefix) is { } activation)
            await policies.ApplyAsync(activation, context.CancellationToken);
    }
}
