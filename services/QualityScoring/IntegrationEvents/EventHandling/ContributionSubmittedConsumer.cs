using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using Marten;
using CommunityAI.ServiceDefaults.History;
using MassTransit;

namespace CommunityAI.QualityScoring.IntegrationEvents.EventHandling;

/// <summary>
/// Scores each submitted contribution once. The score's stream is keyed by the contribution id, so a
/// redelivered message collides with the existing stream in the store and changes nothing.
/// </summary>
public sealed class ContributionSubmittedConsumer(IDocumentStore store, TimeProvider clock) : IConsumer<ContributionSubmitted>
{
    public async Task Consume(ConsumeContext<ContributionSubmitted> context)
    {
        var submitted = context.Message;
        var scored = new ContributionScored(
            submitted.ContributionId, submitted.Contributor, submitted.Kind,
            AutomatedScore.Score(submitted), AutomatedScore.PolicyVersion, clock.GetUtcNow());
        try
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(Extensions.StreamPrefix + submitted.ContributionId, scored);
            await session.SaveChangesAsync(context.CancellationToken);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            // Already scored: a redelivery.
        }
    }
}
