using System.Diagnostics;
using System.Net;
using System.Text;
using CommunityAI.DemoValidators;
using HdrHistogram;

namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>Outcome of the submission phase.</summary>
public sealed record RunResult(int Sent, int Accepted, int Failed, TimeSpan Elapsed, LongHistogram Latency, IReadOnlyDictionary<string, DateTimeOffset> AcceptedAt)
{
    public double AcceptedPerSecond => Accepted / Elapsed.TotalSeconds;
}

/// <summary>
/// Sends at a fixed rate whatever the service's speed (open loop) and measures each latency from the
/// moment the request was due, so a slow service cannot hide its queueing (no coordinated omission).
/// </summary>
/// <param name="accepted">Called with each accepted contribution's id and the moment it was accepted.</param>
public sealed class OpenLoopRunner(HttpClient http, Action<int, int, int> progress, Action<string, DateTimeOffset>? accepted = null)
{
    public async Task<RunResult> RunAsync(IReadOnlyList<SignedSubmission> submissions, int rate, CancellationToken ct)
    {
        var latency = new LongHistogram(TimeStamp.Minutes(5), 3);
        var acceptedAt = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset>();
        int acceptedCount = 0, failed = 0, sent = 0;
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(submissions.Count);
        var ticksPerRequest = Stopwatch.Frequency / (double)rate;
        var start = Stopwatch.GetTimestamp();

        for (var i = 0; i < submissions.Count; i++)
        {
            var due = start + (long)(i * ticksPerRequest);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait, ct);
            var submission = submissions[i];
            sent++;
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    using var content = new StringContent(submission.Body, Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync("/api/contributions", content, ct);
                    Latency.Record(latency, Stopwatch.GetTimestamp() - due);
                    if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref acceptedCount);
                        var at = DateTimeOffset.UtcNow;
                        acceptedAt[submission.Id] = at;
                        accepted?.Invoke(submission.Id, at);
                    }
                    else
                        Interlocked.Increment(ref failed);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failed); // refused or timed out: the service is over its limit
                }
            }, ct));
            if (i % 50 == 0)
                progress(sent, acceptedCount, failed);
        }
        progress(sent, acceptedCount, failed); // every request sent: what is left is in flight
        await Task.WhenAll(inFlight);
        progress(sent, acceptedCount, failed);
        return new RunResult(sent, acceptedCount, failed, clock.Elapsed, latency, acceptedAt);
    }
}
