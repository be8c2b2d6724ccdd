using System.Net;
using System.Net.Http.Json;

namespace Contributions.IntegrationTests;

/// <summary>
/// Two replicas of the service on real loopback ports over one database, behind a trusted proxy on loopback, told they
/// are two of at most two and that a client address may make 4 POSTs per window in all.
/// </summary>
public sealed class ReplicatedContributions : IAsyncLifetime
{
    private readonly ContributionsService _service = new();

    public ListeningServiceHost<CommunityAI.Contributions.Domain.IntakeOptions> First { get; private set; } = null!;
    public ListeningServiceHost<CommunityAI.Contributions.Domain.IntakeOptions> Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _service.InitializeAsync();
        var settings = new Dictionary<string, string>(_service.Settings)
        {
            ["RateLimits:PerClientAddress"] = "4",
            ["RateLimits:Window"] = "01:00:00",
            ["RateLimits:Replicas"] = "2",
            ["Network:TrustedProxies:0"] = "127.0.0.1",
        };
        First = new(settings);
        Second = new(settings);
    }

    public async Task DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        await _service.StopAsync();
    }
}

/// <summary>
/// The per-client-address limit holds for the service, not per replica: a client spread over the replicas by a
/// balancer gets the limit once (before, each replica counted the whole limit, so N replicas let through N times it).
/// </summary>
public sealed class ReplicatedClientAddressTests(ReplicatedContributions system) : IClassFixture<ReplicatedContributions>
{
    [Fact]
    public async Task Replicas_together_let_one_client_address_through_no_more_than_the_limit()
    {
        using var first = new HttpClient { BaseAddress = system.First.Address };
        using var second = new HttpClient { BaseAddress = system.Second.Address };

        // A balancer sending each request to the next replica, as ingress controllers do: eight POSTs, four to each.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
            statuses.Add(await PostAsync(i % 2 == 0 ? first : second, "203.0.113.70"));

        Assert.Equal(4, statuses.Count(status => status == HttpStatusCode.BadRequest));
        Assert.Equal(4, statuses.Count(status => status == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync(first, "203.0.113.70"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync(second, "203.0.113.70"));

        // Another client is untouched on either replica.
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(first, "203.0.113.71"));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(second, "203.0.113.71"));
    }

    [Fact]
    public async Task A_client_reaching_only_one_replica_gets_that_replicas_share()
    {
        // The price of counting in memory: all of one client's requests on one replica get half the limit there.
        using var first = new HttpClient { BaseAddress = system.First.Address };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add(await PostAsync(first, "203.0.113.80"));
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
    }

    // An empty object: refused as malformed (400) when it gets past the limit, so nothing is ever recorded here.
    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/contributions") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
