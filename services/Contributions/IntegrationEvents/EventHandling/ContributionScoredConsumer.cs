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
        // Four consumers write parts of one view concurrently: each updates only its own fields in one statement,
        // so none overwrites another's (a load-then-store here lost the score when the reward landed at the same time).
        session.QueueSqlCommand(ViewUpdates.Sql(session, "jsonb_build_object('score', ?::int)", ContributionStatus.Scored),
            context.Message.Score, ContributionStatus.Scored, context.Message.ContributionId);
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
