using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using Marten;
using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>Shows the score on the contribution's status. Idempotent: re-applying a score changes nothing.</summary>
public sealed class ContributionScoredConsumer(IDocumentSession session) : IConsumer<ContributionScored>
{
    public async Task Consume(ConsumeContext<ContributionScored> context)
    {
        var scored = context.Message;
        var view = await session.LoadAsync<ContributionView>(scored.ContributionId, context.CancellationToken);
        if (view is null)
            return; // not ours (a partner's contribution routed elsewhere) or a message from another deployment
        session.Store(view with { Score = scored.Score, Status = StatusOrder.Latest(view.Status, ContributionStatus.Scored) });
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
