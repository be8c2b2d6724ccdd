using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>
/// How long after acceptance a contribution reached each status, per sampled contribution, and how each scored one was
/// decided (<see cref="LagTracker.Decided"/>): by its validators' reviews, or by the policy's fallback and why.
/// </summary>
public sealed record Lags(IReadOnlyList<double> Scored, IReadOnlyList<double> Rewarded, IReadOnlyList<double> Anchored, int Sampled,
    IReadOnlyDictionary<string, int> DecidedBy);

/// <summary>Follows a sample of accepted contributions through scored → rewarded → anchored by polling their status.</summary>
public sealed class LagTracker(HttpClient http)
{
    private static readonly string[] Order = ["submitted", "scored", "rewarded", "anchored"];

    public async Task<Lags> TrackAsync(IReadOnlyDictionary<string, DateTimeOffset> acceptedAt, int sample, TimeSpan timeout, CancellationToken ct)
    {
        var step = Math.Max(1, acceptedAt.Count / Math.Max(1, sample));
        var chosen = acceptedAt.OrderBy(p => p.Value).Where((_, i) => i % step == 0).Take(sample).ToList();
        var scored = new List<double>();
        var rewarded = new List<double>();
        var anchored = new List<double>();
        var decided = new Dictionary<string, int>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);

        await Parallel.ForEachAsync(chosen, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (pair, _) =>
        {
            var reached = 0;
            while (reached < 3 && !deadline.IsCancellationRequested)
            {
                try
                {
                    var view = await http.GetFromJsonAsync<JsonElement>($"/api/contributions/{pair.Key}", deadline.Token);
                    var level = Array.IndexOf(Order, view.GetProperty("status").GetString());
                    var seconds = (DateTimeOffset.UtcNow - pair.Value).TotalSeconds;
                    lock (chosen)
                    {
                        for (var s = reached + 1; s <= level; s++)
                            (s == 1 ? scored : s == 2 ? rewarded : anchored).Add(seconds);
                        if (reached == 0 && level >= 1)
                            decided[Decided(view)] = decided.GetValueOrDefault(Decided(view)) + 1;
                    }
                    reached = Math.Max(reached, level);
                    await Task.Delay(100, deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
        return new Lags(scored, rewarded, anchored, chosen.Count, decided);
    }

    /// <summary>What decided a scored contribution, from its explanation: "reviews (3)", "fallback: no quorum", "duplicate"…</summary>
    public static string Decided(JsonElement view)
    {
        if (!view.TryGetProperty("explanation", out var explanation) || explanation.ValueKind != JsonValueKind.Object)
            return "no explanation";
        if (explanation.TryGetProperty("fallback", out var fallback) && fallback.ValueKind == JsonValueKind.String)
            return "fallback: " + fallback.GetString();
        var reviews = explanation.TryGetProperty("reviews", out var r) && r.ValueKind == JsonValueKind.Array ? r.GetArrayLength() : 0;
        return reviews > 0 ? $"reviews ({reviews})" : "automated checks alone";
    }
}
