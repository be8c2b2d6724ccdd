using HdrHistogram;

namespace CommunityAI.DemoValidators;

/// <summary>Records latencies into a histogram that several tasks share.</summary>
public static class Latency
{
    /// <summary>
    /// Records <paramref name="ticks"/> into <paramref name="histogram"/> under its lock, clamped first, outside the lock, so
    /// nothing throws inside it. A negative wait (the load driver's timer can send a request a moment before it is due) made
    /// RecordValue throw there in a 20/s run, and on .NET 10.0 a waiter of a contended monitor that others leave by
    /// exceptions can sleep for good (a small program shows it): every later response queued behind it, and the driver hung
    /// at the end of the run. A wait below zero counts as none, one past the histogram's range as its top.
    /// </summary>
    public static void Record(LongHistogram histogram, long ticks)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var value = Math.Clamp(ticks, 0, histogram.HighestTrackableValue);
        lock (histogram)
            histogram.RecordValue(value);
    }
}
