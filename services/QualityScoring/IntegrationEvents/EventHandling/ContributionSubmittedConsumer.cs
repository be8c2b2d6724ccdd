using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using MassTransit;

namespace CommunityAI.QualityScoring.IntegrationEvents.EventHandling;

/// <summary>
/// Takes each submitted contribution into scoring once; the store, not this consumer, refuses a second intake, so a
/// redelivered message changes nothing. What is scored is the contributions service's record of the contribution,
/// whose signature it checked before recording it; a message the history does not back is not taken in. A contribution
/// with inline content is taken in when its content arrives privately (<see cref="ScoringContentConsumer"/>), since the
/// history holds only its hash; one recorded with its text in the event (before the content store) is taken in here, and
/// so is one whose content is too large to hold a text the checks read (it is never handed over).
/// </summary>
public sealed class ContributionSubmittedConsumer(HistoryFacts facts, ContributionIntakeWriter intake) : IConsumer<ContributionSubmitted>
{
    /// <summary>The contributions service's streams: the only ones whose <see cref="ContributionSubmitted"/> events are accepted contributions.</summary>
    public const string ContributionStreamPrefix = "contributions/";

    public async Task Consume(ConsumeContext<ContributionSubmitted> context)
    {
        if (await facts.LoadStoredAsync(context, ContributionStreamPrefix) is { } stored
            && (stored.Fact.ContentSize is null or > ScoringContent.MaxHandedOverBytes || stored.Fact.Text is not null))
            await intake.TakeInAsync(stored.Fact, stored.Sequence, context.CancellationToken);
    }
}
