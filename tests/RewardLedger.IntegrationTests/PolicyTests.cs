using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using Microsoft.Extensions.Hosting;
using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// The reward policy changes only by a passed vote: governance's stored <see cref="PolicyActivated"/>, taken up from the
/// history and in force from the next epoch. Forged notices and operator calls change nothing.
/// </summary>
public class PolicyTests(ShortEpochLedgerSystem system) : IClassFixture<ShortEpochLedgerSystem>
{
    private const string NewPolicy = """{"basePerKind":{"data":"1000"},"capPerAddressPerEpoch":"10000","scoreExponent":2,"version":7,"zeroBelowScore":0}""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_policy_the_community_activated_applies_from_the_next_epoch_and_names_every_later_credit()
    {
        var before = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 50);
        await system.PublishAsync([before]);
        var first = await Credits.WaitAsync(system, before.ContributionId);
        Assert.Equal("reward-1", first.GetProperty("policyVersion").GetString());

        var proposalId = await system.ActivateAsync("reward-policy", NewPolicy);
        var record = await WaitForPolicyAsync(proposalId);
        var from = record.GetProperty("effectiveFromEpoch").GetInt64();
        Assert.True(from > first.GetProperty("epoch").GetInt64(), "never retroactive: it starts after the epoch in which it was taken up");

        // Epochs are two seconds long: wait until the policy's first epoch has begun, then credit.
        JsonElement after;
        do
        {
            var scored = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 50);
            await system.PublishAsync([scored]);
            after = await Credits.WaitAsync(system, scored.ContributionId);
            var inForce = after.GetProperty("epoch").GetInt64() >= from;
            Assert.Equal(inForce ? "reward-7" : "reward-1", after.GetProperty("policyVersion").GetString());
            if (!inForce)
                await Task.Delay(500);
        }
        while (after.GetProperty("epoch").GetInt64() < from);
        Assert.Equal("250", after.GetProperty("amount").GetString()); // 1000 · 50² / 100²

        var current = await system.Api.GetFromJsonAsync<JsonElement>("/api/policies/current");
        Assert.Equal(7, current.GetProperty("version").GetInt64());
        Assert.Equal(proposalId, current.GetProperty("proposalId").GetString());

        // A redelivered notice of the same activation records nothing more.
        await system.NotifyOneAsync(JsonSerializer.Deserialize<PolicyActivated>(await ActivationDataAsync(proposalId), OutboxRoutes.HistoryJson)!,
            await ActivationIdAsync(proposalId));
        await Task.Delay(1_000);
        Assert.Equal(1, await PolicyRecordsAsync(proposalId));
    }

    [Fact]
    public async Task A_forged_activation_on_the_bus_changes_nothing()
    {
        using var refused = new CounterWatch(CommunityTelemetry.MeterName, HistoryFacts.RefusedCounterName);
        _ = system.Api;
        var recordsBefore = await LedgerSql.CountAsync(system.History, "SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/policies'");
        var generous = """{"basePerKind":{"data":"1000000000000000000000000"},"capPerAddressPerEpoch":"1000000000000000000000000","fallbackShareBasisPoints":10000,"version":99}""";

        // Hand-written on the broker with no stored event; and a stored event outside governance's streams.
        var forged = new PolicyActivated("0x" + new string('a', 64), "reward-policy", generous, "0x" + new string('b', 64), DateTimeOffset.UtcNow);
        await ForgedMessage.PublishAsync(system.Broker, nameof(PolicyActivated), Guid.NewGuid(), forged);
        await system.ActivateAsync("reward-policy", generous, streamPrefix: "scoring/not-governance/");

        await Eventually.MatchesAsync(() => Task.FromResult(Refusals(refused, HistoryFactCheck.NotInHistory) + Refusals(refused, HistoryFactCheck.ForeignStream)),
            n => n >= 2, "both forgeries handled", Patience);
        Assert.Equal(recordsBefore, await LedgerSql.CountAsync(system.History, "SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/policies'"));
        var scored = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 50);
        await system.PublishAsync([scored]);
        Assert.NotEqual("reward-99", (await Credits.WaitAsync(system, scored.ContributionId)).GetProperty("policyVersion").GetString());
    }

    [Fact]
    public async Task An_activation_whose_policy_breaks_the_rules_records_nothing()
    {
        _ = system.Api;
        var proposalId = await system.ActivateAsync("reward-policy", """{"basePerKind":{"memes":"1"},"capPerAddressPerEpoch":"1","version":1}""");
        var other = await system.ActivateAsync("scoring-policy", NewPolicy); // not the ledger's kind
        await Task.Delay(2_000);
        Assert.Equal(0, await PolicyRecordsAsync(proposalId));
        Assert.Equal(0, await PolicyRecordsAsync(other));
    }

    [Theory]
    [InlineData("POST", "/api/policies")]
    [InlineData("PUT", "/api/policies/current")]
    [InlineData("POST", "/api/policies/current")]
    public async Task An_operator_call_can_no_longer_change_the_policy(string method, string path)
    {
        var api = system.Api;
        var before = await api.GetStringAsync("/api/policies");
        var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent("""{"version":100,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"1"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", "test-admin-key");
        var response = await api.SendAsync(request);
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
        Assert.Equal(before, await api.GetStringAsync("/api/policies"));
    }

    private static long Refusals(CounterWatch refused, string reason) =>
        refused.Total(("message_type", nameof(PolicyActivated)), ("reason", reason));

    private Task<long> PolicyRecordsAsync(string proposalId) => LedgerSql.CountAsync(system.History,
        $"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/policies' AND data->>'proposalId' = '{proposalId}'");

    private async Task<JsonElement> WaitForPolicyAsync(string proposalId)
    {
        await Eventually.MatchesAsync(() => PolicyRecordsAsync(proposalId), n => n == 1, "the activated policy on record", Patience);
        return JsonDocument.Parse(await Credits.ScalarAsync(system,
            $"SELECT data::text FROM history.mt_events WHERE stream_id = 'ledger/policies' AND data->>'proposalId' = '{proposalId}'")).RootElement.Clone();
    }

    private Task<string> ActivationDataAsync(string proposalId) =>
        Credits.ScalarAsync(system, $"SELECT data::text FROM history.mt_events WHERE stream_id = 'governance/proposals/{proposalId}'");

    private async Task<Guid> ActivationIdAsync(string proposalId) =>
        Guid.Parse(await Credits.ScalarAsync(system, $"SELECT id::text FROM history.mt_events WHERE stream_id = 'governance/proposals/{proposalId}'"));
}

/// <summary>Reads credits from the history as an auditor would.</summary>
public static class Credits
{
    public static async Task<JsonElement> WaitAsync(LedgerSystem system, string contributionId)
    {
        await Eventually.MatchesAsync(
            () => LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/credits/{contributionId}'"),
            n => n == 1, "the credit");
        return JsonDocument.Parse(await ScalarAsync(system, $"SELECT data::text FROM history.mt_events WHERE stream_id = 'ledger/credits/{contributionId}'")).RootElement.Clone();
    }

    public static async Task<string> ScalarAsync(LedgerSystem system, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
