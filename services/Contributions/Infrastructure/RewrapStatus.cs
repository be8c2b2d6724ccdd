using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CommunityAI.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// What the rewrap left behind, for the operator: the rows (contents' and open uploads') whose data key did not unwrap
/// under their retired master key, skipped so the rest of the rotation goes on. Reported on <c>/health</c> as degraded
/// (naming the rows) while any is known; the old master key must not be retired before they are dealt with. While this
/// instance leads the rewrap it also holds how many rows are left under each retired key, as last counted, for the gauge
/// <see cref="CommunityMetrics.ContentRewrapPendingName"/>.
/// </summary>
public sealed class RewrapStatus : IHealthCheck, IDisposable
{
    private const int NamedInReport = 10;

    // One gauge for the process, over every live instance (a test process hosts several services): only a leader has counts.
    private static readonly ConcurrentDictionary<RewrapStatus, byte> Live = new();

    static RewrapStatus() => CommunityMetrics.ObserveRewrapPending(() => Live.Keys.SelectMany(status => status._pending.SelectMany(
        table => table.Value.Select(key => new Measurement<long>(key.Value,
            new KeyValuePair<string, object?>("table", table.Key), new KeyValuePair<string, object?>("master_key", key.Key))))));

    private readonly ConcurrentDictionary<(string Table, string Id), RewrapBatch.Unwrappable> _skipped = new();
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, long>> _pending = new();

    public RewrapStatus() => Live[this] = 0;

    /// <summary>The rows of <paramref name="table"/> skipped so far, which later batches leave out.</summary>
    public IReadOnlyCollection<string> SkippedIn(string table) => _skipped.Keys.Where(k => k.Table == table).Select(k => k.Id).ToArray();

    public IReadOnlyCollection<RewrapBatch.Unwrappable> Skipped => _skipped.Values.ToArray();

    public void Skip(string table, RewrapBatch.Unwrappable row) => _skipped[(table, row.Id)] = row;

    /// <summary>A new leader term tries every row again: one that was repaired meanwhile moves, one still damaged is reported again.</summary>
    public void Restart()
    {
        _skipped.Clear();
        _pending.Clear();
    }

    /// <summary>The rows of <paramref name="table"/> still under each retired master key, as the leader just counted them.</summary>
    public void Counted(string table, IReadOnlyDictionary<string, long> rowsByKey) => _pending[table] = rowsByKey;

    /// <summary>
    /// The term ended: the counts are no longer this instance's to report (the next leader counts its own), else a
    /// replica that stepped down would hold the gauge, and the alert, on a number nobody updates.
    /// </summary>
    public void SteppedDown() => _pending.Clear();

    public void Dispose() => Live.TryRemove(this, out _);

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
