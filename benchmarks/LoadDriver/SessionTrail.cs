namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>
/// Follows every PostgreSQL session's CPU through a run, sampling every few seconds, so a session that ends before the
/// run does stays on its service's line. Without it, two snapshots see an ended session's time only in the server's
/// reaped-children time: the pools replace connections as a run goes on, and in an hour's soak 3,233 of PostgreSQL's
/// 3,677 CPU seconds showed as "server". What a session used after its last sample stays the server's.
/// </summary>
public sealed class SessionTrail(int historyPort, TimeSpan interval)
{
    // One entry per session process followed: its part, its seconds when first seen in the window (0 when it started
    // within it) and at its last sample.
    private readonly Dictionary<int, Entry> _current = [];
    private readonly List<Entry> _ended = [];
    private CpuSnapshot? _from;

    private sealed record Entry(string Part, double First, double Last);

    /// <summary>Samples from <paramref name="from"/> (the window's first snapshot) until <paramref name="ct"/> is cancelled.</summary>
    public async Task FollowAsync(CpuSnapshot from, CancellationToken ct)
    {
        _from = from;
        lock (_current)
            foreach (var (pid, (part, seconds)) in from.Sessions)
                _current[pid] = new Entry(part, seconds, seconds);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                Observe(ProcessCpu.Take(historyPort, memory: false));
        }
        catch (OperationCanceledException)
        {
            // The window's last snapshot is observed by Between.
        }
    }

    /// <summary>
    /// Each part's CPU seconds from the followed window's first snapshot to <paramref name="to"/>: as
    /// <see cref="ProcessCpu.Between"/>, with every session's time on its service's line and taken off the server's.
    /// </summary>
    public IReadOnlyDictionary<string, double> Between(CpuSnapshot to)
    {
        var from = _from ?? throw new InvalidOperationException("follow a window first");
        Observe(to);
        var seconds = new Dictionary<string, double>(ProcessCpu.Between(from, to));
        lock (_current)
        {
            foreach (var part in seconds.Keys.Where(ProcessCpu.IsSessionPart).ToList())
                seconds[part] = 0;
            foreach (var entry in _current.Values.Concat(_ended))
                seconds[entry.Part] = seconds.GetValueOrDefault(entry.Part) + Math.Max(0, entry.Last - entry.First);
            // An ended session's whole time went into the server's reaped-children time when it ended: what it used
            // until its last sample is on its service's line now, and time before the window in no line at all.
            var ended = _ended.Sum(e => e.Last);
            seconds[ProcessCpu.ServerPart] = Math.Max(0, seconds.GetValueOrDefault(ProcessCpu.ServerPart) - ended);
        }
        return seconds;
    }

    private void Observe(CpuSnapshot snapshot)
    {
        lock (_current)
        {
            foreach (var (pid, entry) in _current.Where(c => !snapshot.Sessions.ContainsKey(c.Key)).ToList())
            {
                _ended.Add(entry);
                _current.Remove(pid);
            }
            foreach (var (pid, (part, seconds)) in snapshot.Sessions)
            {
                if (_current.TryGetValue(pid, out var entry) && entry.Part == part && seconds >= entry.Last)
                {
                    _current[pid] = entry with { Last = seconds };
                    continue;
                }
                if (entry is not null)
                    _ended.Add(entry); // the id was used again by a new session
                _current[pid] = new Entry(part, 0, seconds);
            }
        }
    }
}
