namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>One part's CPU in the run: all of it, what it would have used at rest, and the rest per accepted contribution.</summary>
public sealed record CpuLine(string Part, int Processes, double BusySeconds, double IdleSeconds, double MillisecondsPerContribution);

/// <summary>The run's CPU by part, with the machine's capacity over the same window as the limit.</summary>
/// <param name="Builds">The services' build configurations in the run (<see cref="CpuSnapshot.Builds"/>).</param>
public sealed record CpuUse(IReadOnlyList<CpuLine> Lines, TimeSpan Window, double CapacitySeconds, int Accepted, IReadOnlySet<string> Builds)
{
    public double BusySeconds => Lines.Sum(l => l.BusySeconds);
    public double MillisecondsPerContribution => Lines.Sum(l => l.MillisecondsPerContribution);

    /// <summary>The same without the development tools (<see cref="ProcessCpu.IsToolPart"/>): what a deployment pays.</summary>
    public double DeployedMillisecondsPerContribution => Lines.Where(l => !ProcessCpu.IsToolPart(l.Part)).Sum(l => l.MillisecondsPerContribution);

    /// <summary>
    /// Subtracts each part's rate at rest (from the idle sample) over the run's window, so polling loops and the dashboard
    /// are not charged to the contributions; a part busier at rest than in the run counts as zero, never negative. Without a
    /// rest sample of a second or more, nothing is subtracted.
    /// </summary>
    /// <param name="busy">The run's sessions followed from <paramref name="busyFrom"/> (<see cref="SessionTrail"/>), or null to
    /// compare the two snapshots alone.</param>
    /// <param name="idle">The same for the rest sample, from <paramref name="idleFrom"/>.</param>
    public static CpuUse Of(CpuSnapshot idleFrom, CpuSnapshot idleTo, CpuSnapshot busyFrom, CpuSnapshot busyTo, int accepted,
        SessionTrail? busy = null, SessionTrail? idle = null)
    {
        var idleWindow = (idleTo.At - idleFrom.At).TotalSeconds;
        var window = busyTo.At - busyFrom.At;
        var atRestSeconds = idle?.Between(idleTo) ?? ProcessCpu.Between(idleFrom, idleTo);
        var lines = (busy?.Between(busyTo) ?? ProcessCpu.Between(busyFrom, busyTo))
            .Select(p =>
            {
                // A rest sample under a second (--idle-sample 0) is mostly clock-tick rounding: nothing is subtracted then.
                var atRest = idleWindow < 1 ? 0 : atRestSeconds.GetValueOrDefault(p.Key) / idleWindow * window.TotalSeconds;
                var caused = Math.Max(0, p.Value - atRest);
                return new CpuLine(p.Key, busyTo.Processes.GetValueOrDefault(p.Key), p.Value, atRest, accepted == 0 ? 0 : caused * 1000 / accepted);
            })
            .OrderByDescending(l => l.MillisecondsPerContribution)
            .ToList();
        return new CpuUse(lines, window, Environment.ProcessorCount * window.TotalSeconds, accepted, busyTo.Builds);
    }
}
