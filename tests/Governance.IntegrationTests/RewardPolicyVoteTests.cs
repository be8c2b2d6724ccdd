using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.RewardLedger.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// A reward policy changed by the community, through the real services: the real reward-ledger credits and closes an
/// epoch (the voters' weight), governance takes a signed proposal and vote, and the ledger applies the activated policy
/// from the history to the next epoch's credits. A class of its own: it has its own database, broker and clock.
/// </summary>
public sealed class RewardPolicyVoteTests(GovernanceSystem system) : IClassFixture<GovernanceSystem>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private LedgerHost? _ledger;

    public Task InitializeAsync()
    {
        _ = system.Services; // governance first: it creates the history's tables
        _ledger = new LedgerHost(system);
        _ = _ledger.Services;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_ledger is not null)
            await _ledger.DisposeAsync();
    }

    [Fact]
    public async Task A_passed_reward_policy_vote_sets_what_the_ledger_credits_from_the_next_epoch()
    {
        var voter = AnvilNode.DevAddresses[1];
        var first = await ScoreAsync(voter, 100);
        Assert.Equal("reward-1", first.GetProperty("policyVersion").GetString());
        await Eventually.MatchesAsync(() => system.CountEventsAsync("ledger/epochs/"), n => n >= 1, "the ledger closed the voters' epoch", Patience);

        var payload = new
        {
            version = 2, basePerKind = new { data = "1000" }, zeroBelowScore = 0, scoreExponent = 1, capPerAddressPerEpoch = "1000000",
            fallbackShareBasisPoints = 0, unseenContentShareBasisPoints = 0,
        };
        var proposal = system.Proposal(1, "reward-policy", payload, title: "Smaller data rewards");
        // Development rules: 30 s delay, 120 s vote, 60 s timelock; the higher quorum for rewards is met by the one voter.
        var id = await system.ProposeAndPassAsync(proposal);
        await system.AdvanceAsync(TimeSpan.FromSeconds(61));
        Assert.Equal("activated", (await system.GetAsync($"/api/proposals/{id}")).GetProperty("state").GetString());

        // Governance's outbox runs on the test's clock: tick it until the ledger has taken the policy up from the history.
        await Eventually.MatchesAsync(async () =>
        {
            system.Clock.Advance(TimeSpan.FromSeconds(1));
            return await PolicyRecordsAsync(id);
        }, n => n == 1, "the ledger took up the activated policy", Patience);

        var ledger = _ledger!.CreateClient();
        var record = (await ledger.GetFromJsonAsync<JsonElement[]>("/api/policies"))!.Single(p => p.GetProperty("proposalId").GetString() == id);
        var from = record.GetProperty("effectiveFromEpoch").GetInt64();
        JsonElement credit;
        do
        {
            credit = await ScoreAsync(GovernanceSystem.RandomAddress(), 50);
            if (credit.GetProperty("epoch").GetInt64() < from)
            {
                Assert.Equal("reward-1", credit.GetProperty("policyVersion").GetString()); // never retroactive
                await Task.Delay(500);
            }
        }
        while (credit.GetProperty("epoch").GetInt64() < from);
        Assert.Equal("reward-2", credit.GetProperty("policyVersion").GetString());
        Assert.Equal("500", credit.GetProperty("amount").GetString()); // 1000 · 50 / 100
    }

    [Fact]
    public async Task A_reward_policy_proposal_the_ledger_could_not_apply_is_refused_naming_the_field()
    {
        var genesis = await _ledger!.CreateClient().GetFromJsonAsync<JsonElement>("/api/policies/current"); // recorded at first use
        Assert.Equal(1, genesis.GetProperty("version").GetInt64());
        var cases = new (object Payload, string Field)[]
        {
            (new { version = 1, basePerKind = new { data = "1" }, capPerAddressPerEpoch = "1" }, "payload.version"), // genesis is 1
            (new { version = 9, basePerKind = new { memes = "1" }, capPerAddressPerEpoch = "1" }, "payload.basePerKind.memes"),
            (new { version = 9, basePerKind = new { data = "1" }, capPerAddressPerEpoch = "-1" }, "payload.capPerAddressPerEpoch"),
            (new { version = 9, basePerKind = new { data = "1" }, capPerAddressPerEpoch = "1", fallbackShareBasisPoints = 10_001 }, "payload.fallbackShareBasisPoints"),
            (new { version = 9, basePerKind = new { data = "1" }, capPerAddressPerEpoch = "1", payEveryone = true }, "payload.payEveryone"),
        };
        foreach (var (payload, field) in cases)
        {
            var problem = await RefusalTests.RefusedAsync(system, "/api/proposals", system.Proposal(1, "reward-policy", payload), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named in {problem}");
        }
    }

    private async Task<JsonElement> ScoreAsync(string contributor, int score)
    {
        var scored = new ContributionScored(Hex.Encode(RandomNumberGenerator.GetBytes(32)), contributor, "data", score, "scoring-1", DateTimeOffset.UtcNow);
        // Recorded as quality-scoring would: the ledger's own role may append only under ledger/.
        var eventId = await system.SeedAsync("scoring/" + scored.ContributionId, scored);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(system.Broker)));
        await bus.StartAsync();
        try
        {
            await bus.Publish(scored, context => context.MessageId = eventId);
        }
        finally
        {
            await bus.StopAsync();
        }
        var stream = "ledger/credits/" + scored.ContributionId;
        await Eventually.MatchesAsync(() => system.CountEventsAsync(stream), n => n == 1, "the credit", Patience);
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT data::text FROM history.mt_events WHERE stream_id = @s", connection);
        command.Parameters.AddWithValue("s", stream);
        return JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement.Clone();
    }

    private async Task<long> PolicyRecordsAsync(string proposalId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/policies' AND data->>'proposalId' = @p", connection);
        command.Parameters.AddWithValue("p", proposalId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The real reward-ledger on the same database and broker, on the real clock, with three-second epochs from now.</summary>
    private sealed class LedgerHost(GovernanceSystem system) : ServiceHost<CreditWriter>(new Dictionary<string, string>
    {
        ["ConnectionStrings:history"] = system.LoginOf(CommunityAI.ServiceDefaults.Database.ServiceRoles.RewardLedger),
        ["ConnectionStrings:rabbitmq"] = system.Broker,
        ["Epochs:Genesis"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["Epochs:Length"] = "00:00:03",
        ["Logging:LogLevel:Default"] = "Warning",
    });
}
