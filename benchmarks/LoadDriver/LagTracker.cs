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
/// Follows a sample of accepted contributions until each is scored, rewarded and anchored, by polling its view from the
/// moment it is accepted: every <c>planned / sample</c>-th acceptance of the run is followed. Each is read from the view's
/// own field (score, reward, log index), not from its status: the status shows the latest stage reached, and a
/// contribution is anchored (in the log) long before a case waiting for its reviews is scored.
/// </summary>
/// <remarks>
/// Following starts during the run, not after it: started after a long run, a contribution accepted in its first minute
/// showed as "scored after the whole run", and an hour's soak reported a p50 of 43 minutes that was mostly its own length.
/// </remarks>
public sealed class LagTracker(HttpClient http, int planned, int sample) : IDisposable
{
    private static readonly string[] Fields = ["score", "reward", "logIndex"];
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly int _step = Math.Max(1, planned / Math.Max(1, sample));
    private readonly List<double> _scored = [];
    private readonly List<double> _rewarded = [];
    private readonly List<double> _anchored = [];
    private readonly Dictionary<string, int> _decided = [];
    private readonly List<Task> _following = [];
    private readonly CancellationTokenSource _stop = new();
    private int _accepted;

    /// <summary>Whether the view has <paramref name="field"/> set (not missing, not null).</summary>
    public static bool Has(JsonElement view, string field) => view.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>Called at each acceptance (from the run's request tasks); follows it if it falls in the sample.</summary>
    public void Accepted(string contributionId, DateTimeOffset at)
    {
        var n = Interlocked.Increment(ref _accepted) - 1;
        if (n % _step != 0 || n / _step >= sample)
            return;
        lock (_following)
            _following.Add(FollowAsync(contributionId, at, _stop.Token));
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the sample still on its way, then returns what was reached.</summary>
    public async Task<Lags> CompleteAsync(TimeSpan timeout, CancellationToken ct)
    {
        _stop.CancelAfter(timeout);
        await using (ct.Register(_stop.Cancel))
        {
            Task[] following;
            lock (_following)
                following = [.. _following];
            await Task.WhenAll(following);
            lock (_following)
                return new Lags([.. _scored], [.. _rewarded], [.. _anchored], following.Length, new Dictionary<string, int>(_decided));
        }
    }

    private async Task FollowAsync(string contributionId, DateTimeOffset acceptedAt, CancellationToken ct)
    {
        var reached = new bool[3];
        while (!reached.All(r => r))
        {
            try
            {
                await Task.Delay(PollInterval, ct);
                var view = await http.GetFromJsonAsync<JsonElement>($"/api/contributions/{contributionId}", ct);
                var seconds = (DateTimeOffset.UtcNow - acceptedAt).TotalSeconds;
                lock (_following)
                {
                    for (var stage = 0; stage < 3; stage++)
                    {
                        if (reached[stage] || !Has(view, Fields[stage]))
                            continue;
                        reached[stage] = true;
                        (stage == 0 ? _scored : stage == 1 ? _rewarded : _anchored).Add(seconds);
                        if (stage == 0)
                            _decided[Decided(view)] = _decided.GetValueOrDefault(Decided(view)) + 1;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // The service is busy or restarting: look again at the next poll.
            }
        }
    }

    public void Dispose() => _stop.Dispose();

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
