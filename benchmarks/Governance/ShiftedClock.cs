namespace CommunityAI.Benchmarks.Governance;

/// <summary>The real clock moved forward on demand: the benchmark skips the voting delay without waiting for it.</summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _shiftTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _shiftTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _shiftTicks));
}
