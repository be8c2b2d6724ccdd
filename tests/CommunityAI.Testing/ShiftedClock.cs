namespace CommunityAI.Testing;

/// <summary>
/// The system clock moved forward on request, registered as a service's <see cref="TimeProvider"/>: a test or benchmark
/// lets deadlines pass without waiting for them. Unlike a fake clock, time still runs and timers still fire in real time,
/// so the service's loops wake as they always do and then read the moved clock.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _shiftTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _shiftTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _shiftTicks, by.Ticks);
}
