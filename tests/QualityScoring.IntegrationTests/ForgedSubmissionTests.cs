using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// A ContributionSubmitted published by someone holding a broker login, for a contribution the contributions service
/// never accepted (so nobody checked a signature): quality-scoring takes in only what the history records.
/// </summary>
public sealed class ForgedSubmissionTests(ScoringSystem system) : IClassFixture<ScoringSystem>
{
    [Fact]
    public async Task A_contribution_the_history_never_recorded_is_not_taken_into_scoring()
    {
        using var refused = new CounterWatch(CommunityTelemetry.MeterName, HistoryFacts.RefusedCounterName);
        var forged = ScoringSystem.Submission(1, "A forged contribution that no contributor ever signed, about attention heads.");
        await system.PublishUnrecordedAsync(forged);
        // A genuine one behind it: once it is scored, the forgery has been handled too.
        var genuine = ScoringSystem.Submission(2, "A genuine contribution about gradient clipping and exploding gradients in RNNs.");
        await system.PublishAsync(genuine);
        await system.ScoredAsync(genuine.ContributionId);

        // Handled either way: refused, or taken in.
        await Eventually.MatchesAsync(async () => Refusals() + await system.CountEventsAsync("automated_checks_completed", forged.ContributionId),
            n => n >= 1, "the forgery handled", TimeSpan.FromSeconds(20));
        Assert.Equal(0, await system.CountEventsAsync("automated_checks_completed", forged.ContributionId));
        Assert.Equal(0, await system.CountEventsAsync("contribution_scored", forged.ContributionId));
        Assert.Equal(1, Refusals());

        long Refusals() => refused.Total(("message_type", nameof(ContributionSubmitted)), ("reason", HistoryFactCheck.NotInHistory));
    }
}
