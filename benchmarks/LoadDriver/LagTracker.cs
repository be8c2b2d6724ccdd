using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>
/// How long after acceptance a contribution reached each status, per sampled contribution, and how each scored one was
/// decided (<see cref="LagTracker.Decided"/>): by its validators' reviews, or by the policy's fallback and why.
/// </summary>
public sealed record Lags(IReadOnlyList<double> Scored, IReadOnlyList<double> Rewarded, IReadOnlyList<double> Anchored, int Sampled,
    IReadOnlyDictionary<string, int> DecidedBy);

/// <summary>
/// Follows a sample of accepted contributions until each is scored, rewarded and anchored, by polling its view. Each is
/// read from the view's own field (score, reward, log index), not from its status: the status shows the latest stage
/// reached, and a contribution is anchored (in the log) long before a case waiting for its reviews is scored.
/// </summary>
public sealed class LagTracker(HttpClient http)
{
    private static readonly string[] Fields = ["score", "reward", "logIndex"];

    /// <summary>Whether the view has <paramref name="field"/> set (not missing, not null).</summary>
    public static bool Has(JsonElement view, string field) => view.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

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
            var reached = new bool[3];
            while (!reached.All(r => r) && !deadline.IsCancellationRequested)
            {
                try
                {
                    var view = await http.GetFromJsonAsync<JsonElement>($"/api/contributions/{pair.Key}", deadline.Token);
                    var seconds = (DateTimeOffset.UtcNow - pair.Value).TotalSeconds;
                    lock (chosen)
                    {
                        for (var stage = 0; stage < 3; stage++)
                        {
                            if (reached[stage] || !Has(view, Fields[stage]))
                                continue;
                            reached[stage] = true;
                            (stage == 0 ? scored : stage == 1 ? rewarded : anchored).Add(seconds);
                            if (stage == 0)
                                decided[Decided(view)] = decided.GetValueOrDefault(Decided(view)) + 1;
                        }
                    }
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
