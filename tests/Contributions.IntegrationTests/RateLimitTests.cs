using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Contributions.IntegrationTests;

/// <summary>The service with tight limits: 3 submissions per contributor and 6 per client address per minute.</summary>
public sealed class ThrottledContributionsService : ContributionsService
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("RateLimits:PerContributor", "3"),
        new("RateLimits:PerClientAddress", "6"),
        new("RateLimits:Window", "00:10:00"),
    ];
}

public sealed class RateLimitTests(ThrottledContributionsService service) : IClassFixture<ThrottledContributionsService>
{
    [Fact]
    public async Task Submissions_over_the_contributor_and_client_limits_get_429_problems_naming_the_limit()
    {
        var statuses = new List<(HttpStatusCode Status, string? Field)>();
        // 4 for contributor #2 (the 4th is over its limit), then 3 for #3 (the 7th request is over the client's limit).
        foreach (var key in new[] { 2, 2, 2, 2, 3, 3, 3 })
        {
            using var response = await service.Client.PostAsJsonAsync("/api/contributions", Signed.Contribution(keyIndex: key).Body);
            var field = response.StatusCode == HttpStatusCode.TooManyRequests
                ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString()
                : null;
            statuses.Add((response.StatusCode, field));
        }
        Assert.Equal(
            [(HttpStatusCode.Accepted, null), (HttpStatusCode.Accepted, null), (HttpStatusCode.Accepted, null),
             (HttpStatusCode.TooManyRequests, "contributor"),
             (HttpStatusCode.Accepted, null), (HttpStatusCode.Accepted, null),
             (HttpStatusCode.TooManyRequests, "clientAddress")],
            statuses);
    }
}
