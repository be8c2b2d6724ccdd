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
        var view = await session.LoadAsync<ContributionView>(rewarded.ContributionId, context.CancellationToken);
        if (view is null)
            return;
        session.Store(view with
        {
            Reward = rewarded.Amount,
            Epoch = rewarded.Epoch,
            Status = StatusOrder.Latest(view.Status, ContributionStatus.Rewarded),
        });
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
