namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// How long to wait after the n-th consecutive failure: <see cref="Initial"/> doubling up to <see cref="Max"/>,
/// with "equal jitter" (a random point in the upper half of the step) so that replicas which lost the same node
/// do not all come back in the same instant, while each wait still grows.
/// </summary>
public sealed record RetryBackoff
{
    public RetryBackoff(TimeSpan initial, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        Initial = initial;
        Max = max;
    }

    public TimeSpan Initial { get; }
    public TimeSpan Max { get; }

    /// <summary>The wait after <paramref name="failures"/> consecutive failures (1 for the first).</summary>
    /// <param name="failures">At least 1.</param>
    /// <param name="jitter">A random number in [0, 1), e.g. <c>Random.Shared.NextDouble()</c>.</param>
    public TimeSpan DelayAfter(int failures, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        if (jitter is < 0 or >= 1 || double.IsNaN(jitter))
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "jitter must lie in [0, 1)");
        // Doubling in ticks overflows long after ~40 steps; the cap is reached long before that.
        var step = Initial.Ticks;
        for (var i = 1; i < failures && step < Max.Ticks; i++)
            step *= 2;
        step = Math.Min(step, Max.Ticks);
        return TimeSpan.FromTicks(step / 2 + (long)(step / 2 * jitter));
    }
}
