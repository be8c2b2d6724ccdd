using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using Marten;
using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>Shows the reward on the contribution's status. Idempotent.</summary>
public sealed class ContributionRewardedConsumer(IDocumentSession session) : IConsumer<ContributionRewarded>
{
    public async Task Consume(ConsumeContext<ContributionRewarded> context)
    {
        var rewarded = context.Message;
        session.QueueSqlCommand(ViewUpdates.Sql(session, "jsonb_build_object('reward', ?::text, 'epoch', ?::bigint)", ContributionStatus.Rewarded),
            rewarded.Amount, rewarded.Epoch, ContributionStatus.Rewarded, rewarded.ContributionId);
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
