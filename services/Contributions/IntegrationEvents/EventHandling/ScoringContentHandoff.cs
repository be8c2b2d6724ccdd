using CommunityAI.Contracts;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;
using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// Hands each stored contribution's content to quality-scoring privately (<see cref="ScoringContent"/> on its own queue),
/// since the history and the public bus carry only the hash. Driven by the history outbox's notice of the stored
/// <see cref="ContributionSubmitted"/>, so every stored content is handed over at least once, whatever crashed between;
/// quality-scoring takes each contribution in once. Content erased before the handoff is not handed over, nor content
/// larger than <see cref="ScoringContent.MaxHandedOverBytes"/> (no text quality-scoring would check).
/// </summary>
public sealed class ScoringContentHandoff(HistoryFacts facts, ContentStore contents, ConfirmedPublisher publisher) : IConsumer<ContributionSubmitted>
{
    public async Task Consume(ConsumeContext<ContributionSubmitted> context)
    {
        // Content past the text quality-scoring reads is not sent: it takes such a contribution in on its hash alone.
        if (await facts.LoadAsync(context, ContributionAppender.StreamPrefix) is not { ContentSize: <= ScoringContent.MaxHandedOverBytes } submitted)
            return;
        byte[] content;
        await using (var opened = await contents.OpenAsync(submitted.ContributionId, context.CancellationToken))
        {
            if (opened is null)
                return;
            content = await opened.ReadAllAsync(ScoringContent.MaxHandedOverBytes, context.CancellationToken);
        }
        await publisher.SendAsync(context, new Uri("queue:" + ScoringContent.QueueName),
            new ScoringContent(submitted.ContributionId, Convert.ToBase64String(content)), context.CancellationToken);
    }
}
