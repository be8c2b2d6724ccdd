using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using Marten;
using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// Every contribution whose log index the anchored head covers is anchored: one bulk update, since a head may
/// cover thousands. Anchored is the last status, so moving to it never moves a status backwards.
/// </summary>
public sealed class TreeHeadAnchoredConsumer(IDocumentSession session) : IConsumer<TreeHeadAnchored>
{
    public async Task Consume(ConsumeContext<TreeHeadAnchored> context)
    {
        var table = session.DocumentStore.Options.Schema.For<ContributionView>();
        session.QueueSqlCommand(
            $"update {table} set data = jsonb_set(data, '{{status}}', to_jsonb(?::text)) " +
            "where (data->>'logIndex')::bigint < ? and data->>'status' <> ?",
            ContributionStatus.Anchored, context.Message.TreeSize, ContributionStatus.Anchored);
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
