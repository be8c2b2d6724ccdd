using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CommunityAI.Testing;

/// <summary>
/// Adds up what a counter (or histogram) of this process records, per tag set, from the moment it is created: services
/// hosted in the test process report through the same static meters. Histogram values are kept in whole units.
/// </summary>
public sealed class CounterWatch : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public CounterWatch(string meterName, string counterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && instrument.Name == counterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => _measurements.Enqueue((value, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => _measurements.Enqueue(((long)value, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>The total recorded with every one of <paramref name="tags"/> (and any others).</summary>
    public long Total(params (string Key, string Value)[] tags) =>
        _measurements.Where(m => tags.All(t => m.Tags.Any(kv => kv.Key == t.Key && Equals(kv.Value?.ToString(), t.Value)))).Sum(m => m.Value);

    /// <summary>How many measurements carried every one of <paramref name="tags"/> (a histogram's observation count).</summary>
    public int Count(params (string Key, string Value)[] tags) =>
        _measurements.Count(m => tags.All(t => m.Tags.Any(kv => kv.Key == t.Key && Equals(kv.Value?.ToString(), t.Value))));

    /// <summary>The values recorded with every one of <paramref name="tags"/>.</summary>
    public IReadOnlyList<long> Values(params (string Key, string Value)[] tags) =>
        _measurements.Where(m => tags.All(t => m.Tags.Any(kv => kv.Key == t.Key && Equals(kv.Value?.ToString(), t.Value)))).Select(m => m.Value).ToList();

    public void Dispose() => _listener.Dispose();
}
