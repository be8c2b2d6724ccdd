using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.Telemetry;
using CommunityAI.Testing;
using Microsoft.Extensions.Hosting;
using static Contributions.IntegrationTests.ContributionsHistory;

namespace Contributions.IntegrationTests;

/// <summary>
/// What operators see (deploy/observability) is measured on the real path: refusals by reason at the HTTP edge, the
/// outbox's publications, and the time from acceptance to each stage as the view follows the history. The meters are
/// the process's, so this class runs alone: no other class's requests or events land in its counts.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    [Fact]
    public async Task A_refused_contribution_is_counted_under_its_problem_title()
    {
        using var refused = new CounterWatch(CommunityTelemetry.MeterName, CommunityMetrics.RequestsRefusedName);
        var (_, body) = Signed.Contribution(text: "tampered after signing");
        body["contentUri"] = "https://example.org/not-what-was-signed";

        using var response = await service.Client.PostAsJsonAsync("/api/contributions", body);

        // A signature over other content is an authentication failure (401), not a malformed request.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var title = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString()!;
        Assert.Equal(1, refused.Total(("status", "401"), ("reason", title)));
    }

    [Fact]
    public async Task Publication_and_the_time_to_each_stage_are_measured_once_the_history_says_so()
    {
        using var published = new CounterWatch(CommunityTelemetry.MeterName, CommunityMetrics.OutboxPublishedName);
        using var stages = new CounterWatch(CommunityTelemetry.MeterName, CommunityMetrics.ContributionStageLatencyName);
        using var paths = new CounterWatch(CommunityTelemetry.MeterName, CommunityMetrics.ContributionsScoredName);
        var (id, body) = Signed.Contribution(text: "measured on its way");
        using (var response = await service.Client.PostAsJsonAsync("/api/contributions", body))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        await Eventually.MatchesAsync(() => Task.FromResult(published.Total(("type", nameof(ContributionSubmitted)))), n => n >= 1, "the outbox to publish it");
        Assert.Equal(0, stages.Count(("stage", "scored")));

        await service.AppendAsync(("scoring/" + id, Scored(id, 70)));
        await Eventually.MatchesAsync(() => Task.FromResult(stages.Count(("stage", "scored"))), n => n == 1, "the scored stage to be measured");
        Assert.Equal(1, paths.Total(("path", "reviewed")));
        Assert.All(stages.Values(("stage", "scored")), ms => Assert.InRange(ms, 0, 60_000));
    }
}

/// <summary>New contributions are counted by the door they came in, and a replay of one already stored is not counted again.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class IntakeTelemetryTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    [Fact]
    public async Task Stored_contributions_are_counted_by_path_once()
    {
        using var accepted = new CounterWatch(CommunityTelemetry.MeterName, CommunityMetrics.ContributionsAcceptedName);
        var (_, single) = Signed.Contribution(text: "counted once over http");
        for (var i = 0; i < 2; i++)
            using (var response = await service.Client.PostAsJsonAsync("/api/contributions", single))
                Assert.True(response.IsSuccessStatusCode);
        var batch = new { contributions = new[] { Signed.Contribution(text: "in a batch 1").Body, Signed.Contribution(text: "in a batch 2").Body } };
        using (var response = await service.Client.PostAsJsonAsync("/api/contributions/batch", batch))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal(1, accepted.Total(("path", "http")));
        Assert.Equal(2, accepted.Total(("path", "http-batch")));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry (runs alone)";
}
