using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityAI.QualityScoring.IntegrationTests;

public sealed class PolicyTests(ScoringSystemWithoutValidators system) : IClassFixture<ScoringSystemWithoutValidators>
{
    [Fact]
    public async Task A_restart_with_the_same_policy_starts_and_publishes_it_only_once()
    {
        await using var replica = system.StartReplica();
        var policy = await replica.CreateClient().GetFromJsonAsync<JsonElement>("/api/scoring/policy");
        Assert.Equal("scoring-1", policy.GetProperty("version").GetString());
        Assert.Equal(1, await system.CountEventsAsync("scoring_policy_published", null));
    }

    [Fact]
    public async Task Changed_rules_under_a_published_version_stop_the_start_and_a_new_version_is_published()
    {
        await system.Api.GetAsync("/api/scoring/policy");
        await using (var changed = system.StartReplica(new Dictionary<string, string> { ["Scoring:ClipDistance"] = "35" }))
        {
            var error = Assert.ThrowsAny<Exception>(() => changed.CreateClient());
            Assert.Contains("give the changed policy a new Scoring:PolicyVersion", error.ToString(), StringComparison.Ordinal);
        }
        await using var bumped = system.StartReplica(new Dictionary<string, string> { ["Scoring:ClipDistance"] = "35", ["Scoring:PolicyVersion"] = "scoring-2" });
        var policy = await bumped.CreateClient().GetFromJsonAsync<JsonElement>("/api/scoring/policy");
        Assert.Equal(("scoring-2", 35), (policy.GetProperty("version").GetString(), policy.GetProperty("clipDistance").GetInt32()));
    }
}
