using CommunityAI.Contracts;
using CommunityAI.Contributions.Infrastructure;
using MassTransit;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// Partner bulk intake: the batch code of <c>POST /api/contributions/batch</c>, answered as the single command is. Accepted
/// items are stored in one transaction (their <see cref="ContributionSubmitted"/> is published by the outbox); each refused
/// item becomes a <see cref="ContributionRejected"/> with its own correlation id, all recorded in one transaction after.
/// A redelivered batch stores nothing new: its stored items come back as replays and its rejections exist already.
/// A store failure throws, so the bus retries the whole message (nothing of it was stored).
/// </summary>
public sealed class SubmitContributionsConsumer(BatchIntake intake, ContributionAppender appender, TimeProvider clock) : IConsumer<SubmitContributions>
{
    public async Task Consume(ConsumeContext<SubmitContributions> context)
    {
        var batch = context.Message;
        var now = clock.GetUtcNow();
        var key = PartnerRefusal.Key(context.MessageId, batch.CorrelationId);
        var items = batch.Contributions;
        var max = intake.Options.MaxBatchItems;
        if (items is not { Count: > 0 } || items.Count > max)
        {
            var (reason, status) = items is { Count: > 0 }
                ? ($"a batch holds at most {max} contributions; this one holds {items.Count}", StatusCodes.Status413PayloadTooLarge)
                : ($"is required: an array of 1 to {max} signed contributions", StatusCodes.Status400BadRequest);
            await appender.RejectAsync(key, PartnerRefusal.Rejection(batch.CorrelationId, batch.PartnerId, null, ("contributions", reason, status), now),
                context.CancellationToken);
            return;
        }

        var decide = await intake.DeciderAsync(context.CancellationToken);
        var outcomes = await intake.SubmitAsync(items.Count, i => PartnerRefusal.Decide(items[i], decide), context.CancellationToken);
        IntakeMetrics.Stored("bus-batch", outcomes);
        var rejections = new List<(string, ContributionRejected)>();
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (PartnerRefusal.Of(outcomes[i]) is not { } r)
                continue;
            var item = items[i];
            // Keyed by message and place, so a redelivery of the batch records each rejection once.
            rejections.Add(($"{key}-{i}", PartnerRefusal.Rejection(item?.CorrelationId, item?.PartnerId ?? batch.PartnerId, item?.Contributor, r, now)));
        }
        await appender.RejectManyAsync(rejections, context.CancellationToken);
    }
}
