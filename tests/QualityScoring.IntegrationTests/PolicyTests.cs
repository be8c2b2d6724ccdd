using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Policies;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// The scoring policy: configuration gives the genesis policy once; afterwards only governance's stored activation of a
/// passed proposal changes it, for cases opened after it. Configuration and forged notices change nothing.
/// </summary>
public sealed class PolicyTests(ScoringSystemWithoutValidators system) : IClassFixture<ScoringSystemWithoutValidators>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static string Payload(string version, int clipDistance, string[]? licences = null)
    {
        var payload = JsonSerializer.SerializeToNode(new
        {
            version, automatedWeight = 30, reviewersPerContribution = 3, quorum = 2, reviewWindowSeconds = 16, clipDistance,
            reputationStart = 0.5, reputationFloor = 0.05, reputationRate = 0.2, nearDuplicateThreshold = 0.8, shingleLength = 5,
            minHashFunctions = 128, lshBands = 16, minTextLength = 32,
            kinds = new { data = new { maxBytes = 10_485_760, minTextLength = 0, requireContentAddressed = false } },
        })!.AsObject();
        if (licences is not null)
            payload["licences"] = JsonSerializer.SerializeToNode(licences);
        return payload.ToJsonString();
    }

    [Fact]
    public async Task A_restart_with_the_same_policy_starts_and_publishes_it_only_once()
    {
        await using var replica = system.StartReplica();
        var policy = await replica.CreateClient().GetFromJsonAsync<JsonElement>("/api/scoring/policy");
        Assert.Equal("scoring-1", policy.GetProperty("version").GetString());
        Assert.Equal(1, await GenesisCountAsync());
    }

    [Fact]
    public async Task After_the_first_start_a_changed_configuration_changes_nothing()
    {
        await system.Api.GetAsync("/api/scoring/policy");
        var before = await PolicyEventsAsync();
        await using var changed = system.StartReplica(new Dictionary<string, string> { ["Scoring:ClipDistance"] = "35", ["Scoring:PolicyVersion"] = "scoring-operator" });
        var policy = await changed.CreateClient().GetFromJsonAsync<JsonElement>("/api/scoring/policy");
        Assert.NotEqual("scoring-operator", policy.GetProperty("version").GetString());
        Assert.NotEqual(35, policy.GetProperty("clipDistance").GetInt32());
        Assert.Equal(before, await PolicyEventsAsync());
    }

    [Fact]
    public async Task An_activated_scoring_policy_applies_to_cases_opened_after_it_and_forgeries_change_nothing()
    {
        using var refused = new CounterWatch(CommunityTelemetry.MeterName, HistoryFacts.RefusedCounterName);
        await system.Api.GetAsync("/api/scoring/policy");

        // Forged: a notice with no stored event, and a stored event outside governance's streams.
        var forged = new PolicyActivated("0x" + new string('c', 64), "scoring-policy", Payload("scoring-forged", 99), "0x" + new string('d', 64), DateTimeOffset.UtcNow);
        await ForgedMessage.PublishAsync(system.Broker, nameof(PolicyActivated), Guid.NewGuid(), forged);
        await ActivateAsync(Payload("scoring-foreign", 98), "contributions/not-governance/");
        await Eventually.MatchesAsync(() => Task.FromResult(refused.Total(("message_type", nameof(PolicyActivated)))), n => n >= 2, "both forgeries refused", Patience);
        Assert.Equal("scoring-1", (await system.Api.GetFromJsonAsync<JsonElement>("/api/scoring/policy")).GetProperty("version").GetString());

        var proposalId = await ActivateAsync(Payload("scoring-2", 25, ["GPL-3.0-only", "CC0-1.0"]), "governance/proposals/");
        await Eventually.MatchesAsync(async () => (await system.Api.GetFromJsonAsync<JsonElement>("/api/scoring/policy")).GetProperty("version").GetString(),
            v => v == "scoring-2", "the activated policy in force", Patience);
        await using var query = system.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var stored = await query.LoadAsync<ScoringPolicyBook.StoredPolicy>("scoring-2");
        Assert.Equal(proposalId, stored!.ProposalId);
        Assert.Equal(25, stored.Policy.ClipDistance);
        // The document leaves the audit share out (as every document written before it existed): the default share, voted by omission.
        Assert.Equal(ScoringPolicyDraft.DefaultAuditBasisPoints, stored.Policy.AuditBasisPoints);
        Assert.Equal(ScoringPolicyDraft.DefaultLeanAuditPoints, stored.Policy.LeanAuditPoints);
        Assert.Equal(ScoringPolicyDraft.DefaultLeanExclusionPoints, stored.Policy.LeanExclusionPoints);
        // The voted licence list is recorded with the policy, where the contributions service's intake reads it.
        Assert.Equal(["GPL-3.0-only", "CC0-1.0"], stored.Policy.Licences);

        // A contribution taken in now is scored under the new version.
        var submitted = ScoringSystem.Submission(1, "A contribution arriving after the community changed the scoring rules, long enough.");
        await system.PublishAsync(submitted);
        Assert.Equal("scoring-2", (await system.ScoredAsync(submitted.ContributionId)).PolicyVersion);
        Assert.Equal(0, await PolicyEventsAsync("scoring-forged") + await PolicyEventsAsync("scoring-foreign"));
    }

    private async Task<string> ActivateAsync(string payload, string streamPrefix)
    {
        var proposalId = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var activated = new PolicyActivated(proposalId, "scoring-policy", payload, Hex.Encode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(payload))), DateTimeOffset.UtcNow);
        var store = system.Services.GetRequiredService<IDocumentStore>();
        Guid id;
        await using (var session = store.LightweightSession())
        {
            id = session.Events.StartStream(streamPrefix + proposalId, activated).Events[0].Id;
            await session.SaveChangesAsync();
        }
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(system.Broker)));
        await bus.StartAsync();
        try
        {
            await bus.Publish(activated, context => context.MessageId = id);
        }
        finally
        {
            await bus.StopAsync();
        }
        return proposalId;
    }

    private Task<long> GenesisCountAsync() => PolicyEventsAsync("scoring-1");

    private async Task<long> PolicyEventsAsync(string? version = null)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM history.mt_events WHERE stream_id = 'scoring/policies' AND (@v::text IS NULL OR data->>'version' = @v)", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter("v", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)version ?? DBNull.Value });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
