using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.Signing;
using MassTransit;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// A scoring policy changed by the community, through the real services: governance takes a signed proposal and vote,
/// and the real quality-scoring takes the activated policy up from the history and applies it to cases opened after it,
/// never to one opened before. A class of its own: it has its own database, broker and clock.
/// </summary>
public sealed class ScoringPolicyVoteTests(GovernanceSystem system) : IClassFixture<GovernanceSystem>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ScoringHost? _scoring;

    public Task InitializeAsync()
    {
        _ = system.Services; // governance first: it creates the history's tables
        _scoring = new ScoringHost(system);
        _ = _scoring.Services;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_scoring is not null)
            await _scoring.DisposeAsync();
    }

    [Fact]
    public async Task A_passed_scoring_policy_vote_scores_cases_opened_after_activation_under_the_new_version()
    {
        await system.CloseEpochAsync(0, new Dictionary<string, BigInteger> { [AnvilNode.DevAddresses[1]] = 100 * GovernanceSystem.Token });
        var before = await ScoredAsync("A contribution taken in before the community changed the scoring rules.");
        Assert.Equal("scoring-1", before.GetProperty("policyVersion").GetString());

        var payload = new
        {
            version = "scoring-2", automatedWeight = 100, reviewersPerContribution = 3, quorum = 2, reviewWindowSeconds = 86_400,
            clipDistance = 20, reputationStart = 0.5, reputationFloor = 0.05, reputationRate = 0.2, nearDuplicateThreshold = 0.8,
            shingleLength = 5, minHashFunctions = 128, lshBands = 16, minTextLength = 32,
            kinds = new { data = new { maxBytes = 10_485_760, minTextLength = 0, requireContentAddressed = false } },
        };
        var proposal = system.Proposal(1, "scoring-policy", payload, title: "Score on the automated checks alone");
        // Development rules: 30 s delay, 120 s vote, 60 s timelock; the higher quorum for scoring is met by the one voter.
        var id = await system.ProposeAndPassAsync(proposal);

        // Still queued: a case opened in the timelock is scored under the policy in force.
        var queued = await ScoredAsync("A contribution taken in while the vote waits out its timelock.");
        Assert.Equal("scoring-1", queued.GetProperty("policyVersion").GetString());

        await system.AdvanceAsync(TimeSpan.FromSeconds(61));
        Assert.Equal("activated", (await system.GetAsync($"/api/proposals/{id}")).GetProperty("state").GetString());

        // Governance's outbox runs on the test's clock: tick it until quality-scoring has taken the policy up from the history.
        var scoring = _scoring!.CreateClient();
        await Eventually.MatchesAsync(async () =>
        {
            system.Clock.Advance(TimeSpan.FromSeconds(1));
            return (await scoring.GetFromJsonAsync<JsonElement>("/api/scoring/policy")).GetProperty("version").GetString();
        }, v => v == "scoring-2", "quality-scoring took up the activated policy", Patience);

        var after = await ScoredAsync("A contribution taken in after the community changed the scoring rules.");
        Assert.Equal("scoring-2", after.GetProperty("policyVersion").GetString());
        // The earlier cases keep the version they were opened under.
        Assert.Equal("scoring-1", (await ScoreOfAsync(before.GetProperty("contributionId").GetString()!))!.Value.GetProperty("policyVersion").GetString());
    }

    [Fact]
    public async Task A_scoring_policy_whose_review_window_quality_scoring_could_never_honour_is_refused_naming_the_field()
    {
        // Quality-scoring and governance both run with the default 12-hour commit window: a 12-hour review window leaves no
        // time to reveal a sealed review, and one of an hour closes while sealed reviews are still taken.
        foreach (var seconds in new[] { 3_600, 43_200 })
        {
            var payload = new
            {
                version = "scoring-short", automatedWeight = 30, reviewersPerContribution = 3, quorum = 2, reviewWindowSeconds = seconds,
                clipDistance = 20, reputationStart = 0.5, reputationFloor = 0.05, reputationRate = 0.2, nearDuplicateThreshold = 0.8,
                shingleLength = 5, minHashFunctions = 128, lshBands = 16, minTextLength = 32,
                kinds = new { data = new { maxBytes = 10_485_760, minTextLength = 0, requireContentAddressed = false } },
            };
            var problem = await RefusalTests.RefusedAsync(system, "/api/proposals", system.Proposal(3, "scoring-policy", payload), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("payload.reviewWindowSeconds", out _), problem.ToString());
        }
    }

    /// <summary>A contribution recorded as the contributions service would and published with its event id; its score from the history.</summary>
    private async Task<JsonElement> ScoredAsync(string text)
    {
        var key = 2;
        var payload = new ContributionPayload(AnvilNode.DevAddresses[key], "data", Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            "ipfs://bafy" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), TestChain.Licence, system.NextNonce(),
            (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        var submitted = new ContributionSubmitted(Hex.Encode(TypedDataSigner.Digest(payload, GovernanceSystem.Domain)), payload.Contributor, "data",
            payload.ContentHash, payload.ContentUri, payload.Nonce.ToString(CultureInfo.InvariantCulture), (long)payload.Deadline,
            TypedDataSigner.Sign(payload, GovernanceSystem.Domain, AnvilNode.DevPrivateKeys[key]), Encoding.UTF8.GetByteCount(text),
            DateTimeOffset.UtcNow, text, payload.Licence);
        var eventId = await system.SeedAsync("contributions/" + submitted.ContributionId, submitted);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(system.Broker)));
        await bus.StartAsync();
        try
        {
            await bus.Publish(submitted, context => context.MessageId = eventId);
        }
        finally
        {
            await bus.StopAsync();
        }
        return (await Eventually.MatchesAsync(() => ScoreOfAsync(submitted.ContributionId), s => s is not null, "the score", Patience))!.Value;
    }

    private async Task<JsonElement?> ScoreOfAsync(string contributionId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT data::text FROM history.mt_events WHERE stream_id = @s AND type = 'contribution_scored'", connection);
        command.Parameters.AddWithValue("s", ContributionIntakeWriter.StreamFor(contributionId));
        return await command.ExecuteScalarAsync() is string json ? JsonDocument.Parse(json).RootElement.Clone() : null;
    }

    /// <summary>The real quality-scoring on the same database and broker, on the real clock, with no validator registered.</summary>
    private sealed class ScoringHost(GovernanceSystem system) : ServiceHost<ContributionIntakeWriter>(new Dictionary<string, string>
    {
        ["ConnectionStrings:history"] = system.LoginOf(ServiceRoles.QualityScoring),
        ["ConnectionStrings:rabbitmq"] = system.Broker,
        ["Chain:Id"] = "31337",
        ["Chain:VerifyingContract"] = SigningChainOptions.DevelopmentVerifyingContract,
        ["Scoring:SeedRound"] = "00:00:01",
        ["Logging:LogLevel:Default"] = "Warning",
    });
}
