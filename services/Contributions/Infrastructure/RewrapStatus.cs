using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// What the rewrap left behind, for the operator: the rows (contents' and open uploads') whose data key did not unwrap
/// under their retired master key, skipped so the rest of the rotation goes on. Reported on <c>/health</c> as degraded
/// (naming the rows) while any is known; the old master key must not be retired before they are dealt with.
/// </summary>
public sealed class RewrapStatus : IHealthCheck
{
    private const int NamedInReport = 10;
    private readonly ConcurrentDictionary<(string Table, string Id), RewrapBatch.Unwrappable> _skipped = new();

    /// <summary>The rows of <paramref name="table"/> skipped so far, which later batches leave out.</summary>
    public IReadOnlyCollection<string> SkippedIn(string table) => _skipped.Keys.Where(k => k.Table == table).Select(k => k.Id).ToArray();

    public IReadOnlyCollection<RewrapBatch.Unwrappable> Skipped => _skipped.Values.ToArray();

    public void Skip(string table, RewrapBatch.Unwrappable row) => _skipped[(table, row.Id)] = row;

    /// <summary>A new leader term tries every row again: one that was repaired meanwhile moves, one still damaged is reported again.</summary>
    public void Restart() => _skipped.Clear();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var skipped = _skipped.ToArray();
        return Task.FromResult(skipped.Length == 0
            ? HealthCheckResult.Healthy("no data key failed to rewrap")
            : HealthCheckResult.Degraded(
                $"{skipped.Length} data keys under a retired master key do not unwrap and were left as they are: " +
                string.Join(", ", skipped.Take(NamedInReport).Select(s => $"{s.Key.Table} {s.Key.Id} ({s.Value.MasterKeyId})")) +
                (skipped.Length > NamedInReport ? ", …" : "")));
    }
}
