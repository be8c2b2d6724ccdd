using System.Net;
using CommunityAI.ServiceDefaults.Telemetry;
using CommunityAI.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// One reviewer per contribution, windows of minutes, and the service's clock in the test's hands (<see cref="ShiftedClock"/>),
/// so a case's deadline can pass long before the closer gets to it, as when the closer falls behind.
/// </summary>
public sealed class LateCloserSystem : ScoringSystem
{
    public ShiftedClock Clock { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Scoring:ReviewersPerContribution"] = "1",
        ["Scoring:Quorum"] = "1",
        ["Scoring:CommitWindow"] = "00:05:00",
        ["Scoring:ReviewWindow"] = "00:10:00",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>
/// The closer reports how late it acts on each due case (<see cref="CommunityMetrics.ScoringDeadlineLagName"/>), by the
/// deadline it was due at: the one signal of a closer falling behind before contributors' scores are late by hours.
/// </summary>
public sealed class DeadlineLagTests(LateCloserSystem system) : IClassFixture<LateCloserSystem>
{
    private const int Contributor = 1;
    private const int Validator = 4;

    [Fact]
    public async Task The_closer_reports_how_long_each_case_waited_past_its_deadline_by_the_deadline_it_was_due_at()
    {
        using var lag = new CounterWatch(Microsoft.Extensions.Hosting.CommunityTelemetry.MeterName, CommunityMetrics.ScoringDeadlineLagName);
        Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(Validator)).StatusCode);
        var absent = ScoringSystem.Submission(Contributor, "Tide tables for the northern inlet, corrected for the new breakwater.");
        var unrevealed = ScoringSystem.Submission(Contributor, "A survey of nesting terns on the shingle spit, counted at dawn.");
        await system.PublishAsync(absent);
        await system.PublishAsync(unrevealed);
        foreach (var id in new[] { absent.ContributionId, unrevealed.ContributionId })
            await Eventually.MatchesAsync(() => system.CountEventsAsync("reviewers_assigned", id), n => n == 1, "the validator assigned");
        // One case waits for a commitment that never comes (due at its commit deadline, in five minutes); the other holds a
        // commitment whose reveal never comes (due at its reveal deadline, in ten).
        using (var commit = await system.CommitAsync(Validator, unrevealed.ContributionId, 70))
            Assert.True(commit.IsSuccessStatusCode, await commit.Content.ReadAsStringAsync());

        // Twenty minutes pass at once: both deadlines are long gone when the closer next looks.
        var shifted = DateTimeOffset.UtcNow;
        system.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.NotNull((await system.ScoredAsync(absent.ContributionId, TimeSpan.FromSeconds(30))).Fallback);
        Assert.NotNull((await system.ScoredAsync(unrevealed.ContributionId, TimeSpan.FromSeconds(30))).Fallback);
        var since = DateTimeOffset.UtcNow - shifted;

        // Each was assigned seconds before the shift, so it was due 15 (commit) or 10 (reveal) minutes before the clock the
        // closer read, plus the seconds between assignment and the shift and between the shift and the close. Other test
        // classes' closers record lags of their own into the same meter, of seconds at most: those are left out by size.
        var commitLag = Assert.Single(lag.Values(("deadline", "commit")), v => v >= TimeSpan.FromMinutes(14).TotalMilliseconds);
        var revealLag = Assert.Single(lag.Values(("deadline", "reveal")), v => v >= TimeSpan.FromMinutes(9).TotalMilliseconds);
        Assert.InRange(commitLag, TimeSpan.FromMinutes(15).TotalMilliseconds - 1_000, (TimeSpan.FromMinutes(15) + since + TimeSpan.FromMinutes(1)).TotalMilliseconds);
        Assert.InRange(revealLag, TimeSpan.FromMinutes(10).TotalMilliseconds - 1_000, (TimeSpan.FromMinutes(10) + since + TimeSpan.FromMinutes(1)).TotalMilliseconds);
    }
}
