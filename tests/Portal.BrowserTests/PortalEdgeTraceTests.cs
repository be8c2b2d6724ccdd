using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The portal is the public edge: what reaches it from the ingress is a browser's request with the browser's headers, so
/// it continues no caller's trace context, even from an address it trusts to name the client. The services behind it
/// trust the portal's address and continue the portal's own trace.
/// </summary>
public sealed class PortalEdgeTraceTests
{
    [Fact]
    public async Task A_browsers_trace_context_stops_at_the_portal_even_through_a_trusted_ingress()
    {
        // A service behind the portal, noting the trace headers each forwarded request arrives with.
        var arrived = new ConcurrentQueue<(string? TraceParent, string? Baggage)>();
        await using var service = await TestHttpServer.StartAsync(app => app.MapGet("/api/contributions/{**rest}", (HttpRequest request) =>
        {
            arrived.Enqueue((request.Headers["traceparent"], request.Headers["baggage"]));
            return Results.Ok();
        }));
        // The portal trusts loopback to forward X-Forwarded-For, as it trusts the ingress controller's range in production.
        using var portal = new ListeningServiceHost<PortalOptions>(new Dictionary<string, string>
        {
            ["Network:TrustedProxies:0"] = "127.0.0.1",
            ["services:contributions:api:0"] = TestHttpServer.UrlOf(service),
            ["Logging:LogLevel:Default"] = "Warning",
        });

        // An ingress passes the browser's headers through: a sampled context of the caller's choosing, and baggage.
        var chosen = ActivityTraceId.CreateRandom().ToHexString();
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = portal.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/contributions/0xabc");
        request.Headers.Add("traceparent", $"00-{chosen}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Add("baggage", "tenant=someone-else");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (traceParent, baggage) = Assert.Single(arrived);
        Assert.True(traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context),
            $"the service received {traceParent ?? "no trace context"}");
        Assert.NotEqual(chosen, context.TraceId.ToHexString());
        Assert.DoesNotContain("someone-else", baggage ?? "");
    }
}
