using System.Security.Cryptography;
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
/// <remarks>
/// The notices are taken in batches (<see cref="ScoringContentHandoffDefinition"/>): a bulk intake stores a thousand
/// contributions in one transaction, and handed over one by one each cost a read of the history, a read of the store
/// and a confirmed send in turn, a third of what the service did while taking batches in. Each notice is still judged
/// on its own against the history, and each content sent under its own notice's context.
/// </remarks>
public sealed class ScoringContentHandoff(HistoryFacts facts, ContentStore contents, ConfirmedPublisher publisher)
    : IConsumer<Batch<ContributionSubmitted>>
{
    private static readonly Uri Queue = new("queue:" + ScoringContent.QueueName);

    public async Task Consume(ConsumeContext<Batch<ContributionSubmitted>> context)
    {
        var ct = context.CancellationToken;
        var notices = context.Message;
        var submitted = await facts.LoadManyAsync(notices, ContributionAppender.StreamPrefix, ct);
        // Content past the text quality-scoring reads is not sent: it takes such a contribution in on its hash alone.
        var toHand = Enumerable.Range(0, notices.Length)
            .Where(i => submitted[i] is { ContentSize: <= ScoringContent.MaxHandedOverBytes })
            .ToArray();
        var whole = await contents.ReadWholeManyAsync(toHand.Select(i => submitted[i]!.ContributionId).ToHashSet(StringComparer.Ordinal), ct);

        var sends = new List<Task>(toHand.Length);
        var unreadable = new List<string>();
        foreach (var i in toHand)
        {
            var id = submitted[i]!.ContributionId;
            byte[]? content;
            try
            {
                // One at a time, each on its own connection: uploads (sealed in segments), erased ones, and any the
                // batch read could not open.
                content = whole.TryGetValue(id, out var read) ? read : await ReadOneAsync(id, ct);
            }
            catch (Exception e) when (e is CryptographicException or KeyNotFoundException or InvalidOperationException)
            {
                unreadable.Add($"{id}: {e.Message}");
                continue;
            }
            if (content is not null)
                sends.Add(publisher.SendAsync(notices[i], Queue, new ScoringContent(id, Convert.ToBase64String(content)), ct));
        }
        await Task.WhenAll(sends);

        // The readable ones are handed over; an unreadable content (altered, or under a master key not configured here)
        // fails its batch into the error queue, as its single notice did before, for an operator. Redelivered from there,
        // the batch's other notices hand their contents over again, which quality-scoring absorbs.
        if (unreadable.Count > 0)
            throw new CryptographicException($"contents not handed over to quality-scoring: {string.Join("; ", unreadable)}");
    }

    private async Task<byte[]?> ReadOneAsync(string contributionId, CancellationToken ct)
    {
        await using var opened = await contents.OpenAsync(contributionId, ct);
        return opened is null ? null : await opened.ReadAllAsync(ScoringContent.MaxHandedOverBytes, ct);
    }
}
