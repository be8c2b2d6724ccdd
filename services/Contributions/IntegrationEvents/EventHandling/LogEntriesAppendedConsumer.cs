using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using Marten;
using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>Shows where each contribution sits in the verifiable log. Idempotent: an index never changes.</summary>
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
        // One statement per contribution, touching only the index (see ViewUpdates for why not load-and-store).
        var table = session.DocumentStore.Options.Schema.For<ContributionView>();
        foreach (var (id, index) in ours)
            session.QueueSqlCommand(
                $"update {table} set data = data || jsonb_build_object('logIndex', ?::bigint) " +
                "where id = ? and coalesce(data->'logIndex', 'null'::jsonb) = 'null'::jsonb",
                index, id);
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
