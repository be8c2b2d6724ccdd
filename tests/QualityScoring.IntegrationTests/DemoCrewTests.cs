using CommunityAI.DemoValidators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// The crew the AppHost runs locally, wired as its own Program wires it (<see cref="DemoValidators.Extensions.AddDemoCrew"/>), against
/// the real service: it registers the genesis validators' development keys and reviews what it is drawn for, so a
/// newcomer's contribution is decided by sealed reviews and consensus instead of the fallback.
/// </summary>
public sealed class DemoCrewTests(ScoringSystemForTheDemoCrew system) : IClassFixture<ScoringSystemForTheDemoCrew>
{
    [Fact]
    public async Task The_crew_commits_and_reveals_every_review_it_is_drawn_for_and_the_case_closes_by_consensus()
    {
        using var crew = StartCrew();
        // Reviewers are drawn when a contribution arrives, from the validators registered by then.
        foreach (var member in CrewAddresses)
            await Eventually.MatchesAsync(async () => (await system.Api.GetAsync($"/api/validators/{member}")).StatusCode,
                status => status == System.Net.HttpStatusCode.OK, $"{member} registered by the crew");
        var submissions = new[]
        {
            ScoringSystem.Submission(1, "A labelled sample of rental clauses, each with the tenant's risk and a one-line reason."),
            ScoringSystem.Submission(2, "Twenty questions about municipal recycling rules with answers checked against the city's guide."),
        };
        foreach (var submitted in submissions)
            await system.PublishAsync(submitted);

        foreach (var submitted in submissions)
        {
            // Three of the five crew members, chosen by the service; their reveals close the case before any window ends.
            var scored = await system.ScoredAsync(submitted.ContributionId, ScoringSystem.ReviewWindow + TimeSpan.FromSeconds(30));
            Assert.Null(scored.Fallback);
            Assert.Equal(3, scored.Reviews!.Count);
            Assert.All(scored.Reviews, r => Assert.Contains(r.Validator, CrewAddresses, StringComparer.OrdinalIgnoreCase));
            // Honest members score within 5 points of the automated score; the median of three with at most one careless
            // member is an honest score.
            Assert.InRange(scored.Components!.ConsensusScore!.Value, scored.Components.AutomatedScore - 5, scored.Components.AutomatedScore + 5);
            Assert.Equal(3, await system.CountEventsAsync("review_committed", submitted.ContributionId));
        }
        await crew.StopAsync();
    }

    [Fact]
    public async Task The_crew_keeps_trying_to_register_when_the_first_attempts_time_out()
    {
        // On a busy machine quality-scoring's first answers can outlast the client's resilience timeout: the crew used to
        // stop for good on that, and the local demo then had no reviewers.
        var slowStart = new TimingOutFirst(3);
        using var crew = StartCrew(slowStart);
        // Five registrations reach the service after the three timeouts (each member's, or its "already registered").
        await Eventually.MatchesAsync(() => Task.FromResult(slowStart.Passed), passed => passed >= CrewAddresses.Length,
            "the crew's registrations after the timeouts", TimeSpan.FromSeconds(30));
        Assert.Equal(3, slowStart.TimedOut);
        Assert.False(crew.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        foreach (var member in CrewAddresses)
            Assert.Equal(System.Net.HttpStatusCode.OK, (await system.Api.GetAsync($"/api/validators/{member}")).StatusCode);
        await crew.StopAsync();
    }

    [Fact]
    public async Task A_commitment_whose_answer_was_lost_is_sent_again_unchanged_and_then_revealed()
    {
        // The service records the commitment but the answer never arrives (a timeout on a busy machine). The crew used to
        // seal the case again with a new salt, which is refused as a changed commitment, and never revealed.
        var lossy = new LosingAnswers("/api/reviews/commitments", 3);
        using var crew = StartCrew(lossy);
        foreach (var member in CrewAddresses)
            await Eventually.MatchesAsync(async () => (await system.Api.GetAsync($"/api/validators/{member}")).StatusCode,
                status => status == System.Net.HttpStatusCode.OK, $"{member} registered by the crew");
        var submitted = ScoringSystem.Submission(3, "Lost answers: a glossary of harbour terms, each checked against the port authority's list.");
        await system.PublishAsync(submitted);

        var scored = await system.ScoredAsync(submitted.ContributionId, ScoringSystem.ReviewWindow + TimeSpan.FromSeconds(30));
        Assert.Equal(3, lossy.Lost);
        Assert.Null(scored.Fallback);
        Assert.Equal(3, scored.Reviews!.Count);
        Assert.Equal(3, await system.CountEventsAsync("review_committed", submitted.ContributionId));
        await crew.StopAsync();
    }

    /// <summary>Passes the first requests to a path on to the service, then loses their answers as a timeout would.</summary>
    private sealed class LosingAnswers(string path, int count) : DelegatingHandler
    {
        private int _seen;
        public int Lost => Math.Min(Volatile.Read(ref _seen), count);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri!.AbsolutePath == path && Interlocked.Increment(ref _seen) <= count)
            {
                response.Dispose();
                throw new Polly.Timeout.TimeoutRejectedException("the operation did not complete within the allowed timeout");
            }
            return response;
        }
    }

    /// <summary>Lets the first requests time out as the resilience pipeline reports it, then passes the rest to the service.</summary>
    private sealed class TimingOutFirst(int count) : DelegatingHandler
    {
        private int _seen;
        public int TimedOut => Math.Min(Volatile.Read(ref _seen), count);
        public int Passed => Math.Max(0, Volatile.Read(ref _seen) - count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _seen) <= count
                ? throw new Polly.Timeout.TimeoutRejectedException("the operation did not complete within the allowed timeout")
                : base.SendAsync(request, cancellationToken);
    }

    private static readonly string[] CrewAddresses =
        [.. ValidatorCrew.GenesisKeys.Select(k => new Nethereum.Signer.EthECKey(k).GetPublicAddress())];

    private IHost StartCrew(DelegatingHandler? before = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Chain:Id"] = TestChain.Settings["Chain:Id"];
        builder.Configuration["Chain:VerifyingContract"] = TestChain.AnchorContract;
        builder.Configuration["services:quality-scoring:api:0"] = "http://localhost";
        builder.AddDemoCrew();
        // The service runs in process: its requests go through the test server's handler instead of a socket.
        var client = builder.Services.AddHttpClient(DemoCrewService.ScoringClient).ConfigurePrimaryHttpMessageHandler(system.ApiHandler);
        if (before is not null)
            client.AddHttpMessageHandler(() => before);
        var host = builder.Build();
        host.Start();
        return host;
    }
}
