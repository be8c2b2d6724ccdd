using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using Marten;
using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// Every contribution whose log index the anchored head covers is anchored: one bulk update, since a head may
/// cover thousands. Anchored is the last status, so moving to it never moves a status backwards. The size is kept
/// too, for indexes that arrive after their anchor (see <see cref="LogEntriesAppendedConsumer"/>).
/// </summary>
public sealed class TreeHeadAnchoredConsumer(IDocumentSession session) : IConsumer<TreeHeadAnchored>
{
    public async Task Consume(ConsumeContext<TreeHeadAnchored> context)
    {
        var ct = context.CancellationToken;
        await AnchoringLock.TakeAsync(session, ct);
        var known = await session.LoadAsync<AnchoredHead>(AnchoredHead.Latest, ct);
        if (known is null || known.TreeSize < context.Message.TreeSize)
            session.Store(new AnchoredHead(AnchoredHead.Latest, context.Message.TreeSize));

        var table = session.DocumentStore.Options.Schema.For<ContributionView>();
        session.QueueSqlCommand(
            $"update {table} set data = jsonb_set(data, '{{status}}', to_jsonb(?::text)) " +
            "where (data->>'logIndex')::bigint < ? and data->>'status' <> ?",
            ContributionStatus.Anchored, context.Message.TreeSize, ContributionStatus.Anchored);
        await session.SaveChangesAsync(ct);
    }
}
