using System.Diagnostics;

namespace CommunityAI.ServiceDefaults.Telemetry;

/// <summary>
/// Which outgoing HTTP requests become spans: as for database commands (<see cref="DatabaseTracing"/>), only those sent
/// inside an operation already traced and recorded. A request a background loop sends on its own (the bridge's read of
/// the chain's head every poll, four a second by default) was a root span of its own, exported and stored for nothing:
/// two to three for every contribution under load and a steady stream at rest. Its duration and outcome stay in the
/// <c>http.client.request.duration</c> metric either way.
/// </summary>
public static class HttpClientTracing
{
    /// <summary>The instrumentation's filter: it runs with the request's own activity current, so the operation is its parent.</summary>
    public static bool InsideOperation(HttpRequestMessage _) => Activity.Current?.Parent is { Recorded: true };
}
