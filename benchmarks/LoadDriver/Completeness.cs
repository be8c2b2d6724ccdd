using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>How many of the run's accepted contributions the system carried all the way, and which it did not.</summary>
public sealed record CompletenessResult(int Accepted, int Scored, int Rewarded, int Anchored, IReadOnlyList<string> Unfinished);

/// <summary>
/// "Nothing lost": reads the view of every accepted contribution (not a sample) until each has its score, its reward and
/// its log index, or the time is up; what is still missing then is named. Lags are <see cref="LagTracker"/>'s job: this
/// only counts, so it can run long after the contributions were accepted.
/// </summary>
public sealed class Completeness(HttpClient http)
{
    public async Task<CompletenessResult> CheckAsync(IReadOnlyCollection<string> accepted, TimeSpan timeout, CancellationToken ct)
    {
        var stages = accepted.ToDictionary(id => id, _ => (Scored: false, Rewarded: false, Anchored: false), StringComparer.Ordinal);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var pending = stages.Where(s => s.Value is not (true, true, true)).Select(s => s.Key).ToList();
                if (pending.Count == 0)
                    break;
                await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = deadline.Token }, async (id, token) =>
                {
                    var view = await http.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}", token);
                    lock (stages)
                        stages[id] = (LagTracker.Has(view, "score"), LagTracker.Has(view, "reward"), LagTracker.Has(view, "logIndex"));
                });
                await Task.Delay(TimeSpan.FromSeconds(2), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Time is up: what is still missing is reported.
        }
        return new CompletenessResult(stages.Count, stages.Count(s => s.Value.Scored), stages.Count(s => s.Value.Rewarded),
            stages.Count(s => s.Value.Anchored), stages.Where(s => s.Value is not (true, true, true)).Select(s => s.Key).Order(StringComparer.Ordinal).ToList());
    }
}
