using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Contributions.IntegrationTests;

/// <summary>
/// Two replicas of the service on real loopback ports over one database, each allowing 3 POSTs per client address: one
/// trusts no proxy (the default), the other trusts loopback, as the portal's services do under the AppHost.
/// </summary>
public sealed class ListeningContributions : IAsyncLifetime
{
    private readonly ContributionsService _service = new();

    public ListeningServiceHost<CommunityAI.Contributions.Domain.IntakeOptions> Untrusting { get; private set; } = null!;
    public ListeningServiceHost<CommunityAI.Contributions.Domain.IntakeOptions> BehindProxy { get; private set; } = null!;

    /// <summary>The service's history, shared by both replicas.</summary>
    public ContributionsService Service => _service;

    public async Task InitializeAsync()
    {
        await _service.InitializeAsync();
        var limited = new Dictionary<string, string>(_service.Settings) { ["RateLimits:PerClientAddress"] = "3", ["RateLimits:Window"] = "01:00:00" };
        Untrusting = new(limited);
        BehindProxy = new(new Dictionary<string, string>(limited) { ["Network:TrustedProxies:0"] = "127.0.0.1" });
    }

    public async Task DisposeAsync()
    {
        await Untrusting.DisposeAsync();
        await BehindProxy.DisposeAsync();
        await _service.StopAsync();
    }
}

/// <summary>
/// Who the client is decides whose allowance a request uses: a client may not name itself with <c>X-Forwarded-For</c>,
/// and behind a trusted proxy each forwarded client is counted apart (before, every portal user shared the portal's).
/// </summary>
public sealed class ClientAddressTests(ListeningContributions system) : IClassFixture<ListeningContributions>
{
    [Fact]
    public async Task A_client_naming_a_new_address_in_each_request_still_uses_its_own_allowance()
    {
        using var client = new HttpClient { BaseAddress = system.Untrusting.Address };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await PostAsync(client, $"198.51.100.{i}")).Status);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("clientAddress", (await PostAsync(client, "198.51.100.99")).Field);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance_and_cannot_choose_it()
    {
        using var client = new HttpClient { BaseAddress = system.BehindProxy.Address };
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "203.0.113.7")).Status);
        Assert.Equal((HttpStatusCode.TooManyRequests, "clientAddress"), await PostAsync(client, "203.0.113.7"));

        // Another client behind the same proxy is untouched by the first one's use.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "203.0.113.8")).Status);

        // The client's own claims sit left of the hop the proxy added; only trusted hops are read past, so the untrusted
        // 192.0.2.5 is the client however the part before it changes.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, $"10.9.9.{i}, 192.0.2.5")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(client, "10.9.9.200, 192.0.2.5")).Status);
    }

    [Fact]
    public async Task IPv6_clients_are_counted_per_64_so_rotating_inside_one_block_buys_nothing()
    {
        using var client = new HttpClient { BaseAddress = system.BehindProxy.Address };
        for (var i = 1; i <= 3; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, $"2001:db8:aa::{i:x}")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(client, "2001:db8:aa::ffff:1")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "2001:db8:aa:1::1")).Status);
    }

    [Fact]
    public async Task Reads_are_not_counted()
    {
        using var client = new HttpClient { BaseAddress = system.BehindProxy.Address };
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/contributions/0x" + new string('0', 64));
            request.Headers.Add("X-Forwarded-For", "203.0.113.50");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "203.0.113.50")).Status);
    }

    [Fact]
    public async Task Parts_of_uploads_are_counted_like_posts()
    {
        // Each PUT of a part costs the service a hash of up to a part's size: a flood of them uses the client's allowance.
        using var client = new HttpClient { BaseAddress = system.BehindProxy.Address };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/uploads/0x{new string('1', 64)}/parts/0") { Content = new ByteArrayContent(new byte[] { 1, 2, 3 }) };
            request.Headers.Add("X-Forwarded-For", "203.0.113.60");
            request.Headers.TryAddWithoutValidation("Content-Digest", $"sha-256=:{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(new byte[] { 1, 2, 3 }))}:");
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], statuses);
    }

    // An empty object: refused as malformed (400) when it gets past the limit, so nothing is ever recorded here.
    private static async Task<(HttpStatusCode Status, string? Field)> PostAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/contributions") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        var field = response.StatusCode == HttpStatusCode.TooManyRequests
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString()
            : null;
        return (response.StatusCode, field);
    }
}
