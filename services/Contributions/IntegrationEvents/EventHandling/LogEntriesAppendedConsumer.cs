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
        var views = await session.LoadManyAsync<ContributionView>(context.CancellationToken, ours.Keys);
        foreach (var view in views.Where(v => v.LogIndex is null))
            session.Store(view with { LogIndex = ours[view.Id] });
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
