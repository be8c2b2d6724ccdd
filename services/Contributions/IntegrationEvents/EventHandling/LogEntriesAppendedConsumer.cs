using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using Marten;
using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// Shows where each contribution sits in the verifiable log, and anchors it at once when a head heard of earlier
/// already covers it. Idempotent: an index never changes.
/// </summary>
public sealed class LogEntriesAppendedConsumer(IDocumentSession session) : IConsumer<LogEntriesAppended>
{
    public async Task Consume(ConsumeContext<LogEntriesAppended> context)
    {
        var ours = context.Message.Entries
            .Where(e => e.Stream.StartsWith(ContributionAppender.StreamPrefix, StringComparison.Ordinal)
                && !e.Stream.StartsWith(ContributionAppender.RejectionStreamPrefix, StringComparison.Ordinal))
            .GroupBy(e => e.Stream[ContributionAppender.StreamPrefix.Length..])
            .ToDictionary(g => g.Key, g => g.Min(e => e.Index));
        if (ours.Count == 0)
            return;

        var ct = context.CancellationToken;
        await AnchoringLock.TakeAsync(session, ct);
        var anchored = (await session.LoadAsync<AnchoredHead>(AnchoredHead.Latest, ct))?.TreeSize ?? 0;
        // One statement per contribution, touching only the index and, when covered, the status (see ViewUpdates for
        // why not load-and-store). Anchored is the last status, so setting it never moves a status backwards.
        var table = session.DocumentStore.Options.Schema.For<ContributionView>();
        foreach (var (id, index) in ours)
        {
            var fields = index < anchored
                ? "jsonb_build_object('logIndex', ?::bigint, 'status', ?::text)"
                : "jsonb_build_object('logIndex', ?::bigint)";
            object[] values = index < anchored ? [index, ContributionStatus.Anchored, id] : [index, id];
            session.QueueSqlCommand(
                $"update {table} set data = data || {fields} " +
                "where id = ? and coalesce(data->'logIndex', 'null'::jsonb) = 'null'::jsonb",
                values);
        }
        await session.SaveChangesAsync(ct);
    }
}
