using System.Diagnostics.Metrics;

namespace CommunityAI.Testing;

/// <summary>
/// Reads an observable gauge of this process as a scrape would, when asked: every instrument of that name (services
/// hosted in the test process may each register one) is observed, and what they report now is returned.
/// </summary>
public sealed class GaugeWatch : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private List<(long Value, KeyValuePair<string, object?>[] Tags)> _observed = [];

    public GaugeWatch(string meterName, string gaugeName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && instrument.Name == gaugeName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => _observed.Add((value, tags.ToArray())));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => _observed.Add((value, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>The values observed now with every one of <paramref name="tags"/> (and any others), one per reporting series.</summary>
    public IReadOnlyList<long> Read(params (string Key, string Value)[] tags)
    {
        lock (_gate)
        {
            // The callbacks run on this thread, inside RecordObservableInstruments.
            _observed = [];
            _listener.RecordObservableInstruments();
            return _observed.Where(m => tags.All(t => m.Tags.Any(kv => kv.Key == t.Key && Equals(kv.Value?.ToString(), t.Value))))
                .Select(m => m.Value).ToList();
        }
    }

    public void Dispose() => _listener.Dispose();
}
