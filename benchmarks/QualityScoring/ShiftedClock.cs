namespace CommunityAI.Benchmarks.QualityScoring;

/// <summary>
/// The system clock moved forward on request, so a phase can let review windows end without waiting an hour for them.
/// Timers still run in real time: the service's loops wake as they always do and then read the moved clock.
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Shift(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
