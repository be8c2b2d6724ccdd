using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.RewardLedger.Apis;

namespace CommunityAI.RewardLedger.IntegrationTests;

public class PolicyTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    private const string Max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";

    [Fact]
    public async Task A_published_policy_is_on_record_and_names_every_later_credit()
    {
        var api = system.Api;
        var before = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 50);
        await system.PublishAsync([before]);
        await WaitForCreditAsync(before.ContributionId);

        var response = await Publish(api, new { version = 7, basePerKind = new { data = "1000" }, zeroBelowScore = 0, scoreExponent = 2, capPerAddressPerEpoch = "10000" }, LedgerSystem.AdminKey);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await Task.Delay(1_100); // the policy cache lives one second

        var after = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 50);
        await system.PublishAsync([after]);
        var credit = await WaitForCreditAsync(after.ContributionId);
        Assert.Equal("reward-7", credit.GetProperty("policyVersion").GetString());
        Assert.Equal("250", credit.GetProperty("amount").GetString()); // 1000 · 50² / 100²
        var first = await WaitForCreditAsync(before.ContributionId);
        Assert.Equal("reward-1", first.GetProperty("policyVersion").GetString());
        Assert.Equal(2, await LedgerSql.CountAsync(system.History, "SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/policies'"));

        var current = await api.GetFromJsonAsync<JsonElement>("/api/policies/current");
        Assert.Equal(7, current.GetProperty("version").GetInt64());
    }

    public static TheoryData<string, string> HostilePolicies => new()
    {
        { """{"version":100,"basePerKind":{"data":"-1"},"capPerAddressPerEpoch":"1"}""", "basePerKind.data" },
        { $$"""{"version":100,"basePerKind":{"data":"{{Max}}0"},"capPerAddressPerEpoch":"1"}""", "basePerKind.data" },
        { $$"""{"version":100,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"{{Max}}1"}""", "capPerAddressPerEpoch" },
        { """{"version":100,"basePerKind":{"memes":"1"},"capPerAddressPerEpoch":"1"}""", "basePerKind.memes" },
        { """{"version":1,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"1"}""", "version" },
        { """{"version":100,"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"1","scoreExponent":9}""", "scoreExponent" },
        { """{"version":100,"basePerKind":{"data":"1.5"},"capPerAddressPerEpoch":"1"}""", "basePerKind.data" },
    };

    [Theory]
    [MemberData(nameof(HostilePolicies))]
    public async Task A_hostile_policy_is_refused_naming_the_field_and_changes_nothing(string body, string field)
    {
        var api = system.Api;
        var before = await api.GetFromJsonAsync<JsonElement>("/api/policies/current");
        var response = await api.PostAsync("/api/policies", Json(body, LedgerSystem.AdminKey));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var after = await api.GetFromJsonAsync<JsonElement>("/api/policies/current");
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"version":"seven"}""")]
    [InlineData("""{"version":99999999999999999999999}""")]
    public async Task A_malformed_policy_body_gets_a_problem_and_changes_nothing(string body)
    {
        var api = system.Api;
        var before = await api.GetFromJsonAsync<JsonElement>("/api/policies/current");
        var response = await api.PostAsync("/api/policies", Json(body, LedgerSystem.AdminKey));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var after = await api.GetFromJsonAsync<JsonElement>("/api/policies/current");
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Publishing_without_the_admin_key_is_refused(string? key)
    {
        var api = system.Api;
        var response = await Publish(api, new { version = 1000, basePerKind = new { data = "1" }, capPerAddressPerEpoch = "1" }, key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_caller_without_the_key_is_refused_before_its_body_is_read()
    {
        // Malformed JSON would be a 400 if the body were read first; the key is checked before anything else.
        var response = await system.Api.PostAsync("/api/policies", Json("{ not json at all", key: null));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_policy_body_over_sixteen_kilobytes_is_refused_before_it_is_read_and_changes_nothing()
    {
        var api = system.Api;
        var before = await api.GetFromJsonAsync<JsonElement>("/api/policies/current");
        var padding = new string(' ', 17 * 1024);
        var response = await api.PostAsync("/api/policies", Json($$"""{"version":900{{padding}},"basePerKind":{"data":"1"},"capPerAddressPerEpoch":"1"}""", LedgerSystem.AdminKey));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var after = await api.GetFromJsonAsync<JsonElement>("/api/policies/current");
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }

    private static Task<HttpResponseMessage> Publish(HttpClient api, object body, string? key) =>
        api.PostAsync("/api/policies", Json(JsonSerializer.Serialize(body), key));

    private static StringContent Json(string body, string? key)
    {
        var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        if (key is not null)
            content.Headers.Add(PoliciesApi.ApiKeyHeader, key);
        return content;
    }

    private async Task<JsonElement> WaitForCreditAsync(string contributionId)
    {
        await Eventually.MatchesAsync(
            () => LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/credits/{contributionId}'"),
            n => n == 1, "the credit");
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT data::text FROM history.mt_events WHERE stream_id = 'ledger/credits/{contributionId}'", connection);
        return JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement.Clone();
    }
}
