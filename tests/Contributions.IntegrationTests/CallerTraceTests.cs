using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Contributions.IntegrationTests;

/// <summary>
/// Whose trace a submission joins. What a request appends keeps its trace context, and every service its work reaches
/// continues it: a caller that could name the context could mark its own work sampled everywhere and file it under a
/// trace id of its choosing. Only a trusted proxy (the portal, whose requests carry its own trace) names it.
/// </summary>
public sealed class CallerTraceTests(ListeningContributions system) : IClassFixture<ListeningContributions>
{
    [Fact]
    public async Task A_callers_trace_is_continued_from_a_trusted_proxy_and_from_no_one_else()
    {
        // The attack: a client that is no proxy sends a sampled context of its own choosing, with baggage.
        var chosen = ActivityTraceId.CreateRandom().ToHexString();
        var untrusted = await SubmitAsync(system.Untrusting.Address, chosen);
        var stored = await system.Service.TraceParentOfAsync(untrusted);
        Assert.True(stored is not null && ActivityContext.TryParse(stored, null, out var context),
            $"the submission was stored with {stored ?? "no trace context"}");
        Assert.NotEqual(chosen, context.TraceId.ToHexString());

        // The same request from a trusted proxy's address (loopback, as the portal is to the services under the AppHost).
        var forwarded = ActivityTraceId.CreateRandom().ToHexString();
        var trusted = await SubmitAsync(system.BehindProxy.Address, forwarded);
        Assert.Matches($"^00-{forwarded}-[0-9a-f]{{16}}-01$", await system.Service.TraceParentOfAsync(trusted));
    }

    private static async Task<string> SubmitAsync(Uri service, string trace)
    {
        // The client sends the headers as written: the runtime would put its own context in their place whenever anything
        // in this process listens to HTTP client activities (the hosts' telemetry does).
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = service };
        var (id, body) = Signed.Contribution(keyIndex: 2, text: $"submitted in trace {trace}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/contributions") { Content = JsonContent.Create(body) };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Add("baggage", "tenant=someone-else");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return id;
    }
}
