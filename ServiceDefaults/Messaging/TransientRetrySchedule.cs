namespace CommunityAI.ServiceDefaults.Messaging;

/// <summary>
/// When a handler that failed for a passing reason is tried again: quickly at first (a refused connection under a
/// burst clears in moments), then every 30 seconds until <see cref="BusOptions.TransientRetryWindow"/> has passed, so a
/// database restart or failover of a few minutes leaves messages waiting in place instead of in an error queue.
/// </summary>
public static class TransientRetrySchedule
{
    private static readonly TimeSpan[] Opening =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)];

    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(30);

    /// <summary>The waits before each retry; they add up to at least <paramref name="window"/>.</summary>
    public static TimeSpan[] For(TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(window), window, "the retry window must be positive");
        var waits = new List<TimeSpan>();
        var total = TimeSpan.Zero;
        while (total < window)
        {
            var next = waits.Count < Opening.Length ? Opening[waits.Count] : Steady;
            waits.Add(next);
            total += next;
        }
        return [.. waits];
    }
}
