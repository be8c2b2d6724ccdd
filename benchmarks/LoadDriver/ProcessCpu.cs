using System.Globalization;
using System.Runtime.InteropServices;

namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>
/// CPU seconds used so far by each part of the running system, and the memory each holds now (proportional set size, so
/// memory PostgreSQL's processes share is counted once; its sessions are one part here), read once from /proc.
/// </summary>
/// <param name="Sessions">Each PostgreSQL session's part and CPU seconds so far, by process id, for <see cref="SessionTrail"/>.</param>
/// <param name="Builds">
/// The build configurations the services run from (Debug, Release), reported so that runs are compared like for like
/// (measured at 10/s, the two cost the same within a run's noise: the CPU is in the libraries, optimised either way).
/// </param>
public sealed record CpuSnapshot(DateTimeOffset At, IReadOnlyDictionary<string, double> Seconds, IReadOnlyDictionary<string, int> Processes,
    IReadOnlyDictionary<string, long> MemoryBytes, IReadOnlyDictionary<int, (string Part, double Seconds)> Sessions,
    IReadOnlySet<string> Builds);

/// <summary>
/// Accounts the CPU of the system under the AppHost by part: each service (replicas summed), PostgreSQL split by the
/// login of each session (every service logs in with a role of its own), RabbitMQ, anvil, the dashboard, the
/// orchestrator (dcp), the AppHost and this driver. Reads /proc only, so it measures without touching what it measures;
/// elsewhere than Linux it reports nothing.
/// </summary>
/// <remarks>
/// The system is found as the process tree holding the PostgreSQL server on the history's port, so other work on the
/// machine (builds, tests with their own servers) is left out. A process that ended in the window is counted in its
/// parent's reaped-children time: an ended PostgreSQL session moves from its service's line to the server's, unless a
/// <see cref="SessionTrail"/> followed it.
/// </remarks>
public static partial class ProcessCpu
{
    private static readonly double TicksPerSecond = OperatingSystem.IsLinux() ? sysconf(2) : 100; // _SC_CLK_TCK

    /// <param name="memory">False to skip reading each process's memory (the costlier part), for frequent CPU samples.</param>
    public static CpuSnapshot Take(int historyPort, bool memory = true)
    {
        var seconds = new Dictionary<string, double>();
        var processes = new Dictionary<string, int>();
        var bytes = new Dictionary<string, long>();
        var sessions = new Dictionary<int, (string, double)>();
        var builds = new SortedSet<string>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
            return new CpuSnapshot(DateTimeOffset.UtcNow, seconds, processes, bytes, sessions, builds);

        var table = ReadAll();
        var controllers = table.Values.FirstOrDefault(p => p.Args.Contains("run-controllers", StringComparison.Ordinal)
            && table.Values.Any(c => IsDescendant(table, c, p.Pid) && IsHistoryServer(c, historyPort)));
        if (controllers is null)
            return new CpuSnapshot(DateTimeOffset.UtcNow, seconds, processes, bytes, sessions, builds);
        var apiServer = controllers.ParentPid;
        var appHostPid = table.TryGetValue(apiServer, out var api) ? MonitoredPid(api.Args) : null;

        foreach (var process in table.Values)
        {
            var part = process.Pid == Environment.ProcessId ? DriverPart
                : process.Pid == apiServer || process.Pid == controllers.Pid ? OrchestratorPart
                : appHostPid == process.Pid ? AppHostPart
                : ResourceOf(table, process, controllers.Pid) is { } root ? PartOf(root, process) : null;
            if (part is null)
                continue;
            seconds[part] = seconds.GetValueOrDefault(part) + process.Ticks / TicksPerSecond;
            processes[part] = processes.GetValueOrDefault(part) + 1;
            if (IsSessionPart(part))
                sessions[process.Pid] = (part, process.Ticks / TicksPerSecond);
            if (BuildConfiguration().Match(process.Args) is { Success: true } build && ProjectName().IsMatch(process.Args))
                builds.Add(build.Groups[1].Value);
            if (!memory)
                continue;
            var memoryPart = part.StartsWith("PostgreSQL", StringComparison.Ordinal) ? "PostgreSQL" : part;
            bytes[memoryPart] = bytes.GetValueOrDefault(memoryPart) + ProportionalBytes(process.Pid);
        }
        return new CpuSnapshot(DateTimeOffset.UtcNow, seconds, processes, bytes, sessions, builds);
    }

    /// <summary>CPU seconds each part used between two snapshots.</summary>
    public static IReadOnlyDictionary<string, double> Between(CpuSnapshot from, CpuSnapshot to) =>
        to.Seconds.ToDictionary(p => p.Key, p => Math.Max(0, p.Value - from.Seconds.GetValueOrDefault(p.Key)));

    /// <summary>The part of the server's own processes, which holds the time of every session that ended.</summary>
    public const string ServerPart = "PostgreSQL (server)";

    private const string DashboardPart = "dashboard", OrchestratorPart = "orchestrator (dcp)", AppHostPart = "AppHost",
        DriverPart = "load driver and its validators";

    /// <summary>
    /// Whether <paramref name="part"/> is a development tool rather than the system a deployment runs: the AppHost, its
    /// orchestrator and dashboard (which stores every span it receives), and this driver.
    /// </summary>
    public static bool IsToolPart(string part) => part is DashboardPart or OrchestratorPart or AppHostPart or DriverPart;

    private const string SessionPartPrefix = "PostgreSQL (";
    private const string SessionPartSuffix = " sessions)";

    /// <summary>Whether <paramref name="part"/> is the line of one service's PostgreSQL sessions.</summary>
    public static bool IsSessionPart(string part) =>
        part.StartsWith(SessionPartPrefix, StringComparison.Ordinal) && part.EndsWith(SessionPartSuffix, StringComparison.Ordinal);

    private static string PartOf(ProcInfo root, ProcInfo process)
    {
        if (root.Args.Contains("postgres", StringComparison.Ordinal))
        {
            // Sessions are titled "postgres: <role> <database> <client> <state>"; the services' roles are communityai_<service>.
            var title = process.Args.StartsWith("postgres: communityai_", StringComparison.Ordinal)
                ? process.Args["postgres: communityai_".Length..].Split(' ')[0] : null;
            return title is null ? ServerPart : $"{SessionPartPrefix}{title.Replace('_', '-')}{SessionPartSuffix}";
        }
        if (root.Args.Contains("rabbitmq", StringComparison.Ordinal))
            return "RabbitMQ";
        if (root.Args.Contains("anvil", StringComparison.Ordinal))
            return "anvil";
        if (root.Args.Contains("Aspire.Dashboard", StringComparison.Ordinal))
            return DashboardPart;
        if (root.Args.Contains("dcp", StringComparison.Ordinal))
            return OrchestratorPart;
        var project = ProjectName().Match(root.Args);
        return project.Success ? project.Groups[1].Value : "other (" + Path.GetFileName(root.Args.Split(' ')[0]) + ")";
    }

    private static ProcInfo? ResourceOf(Dictionary<int, ProcInfo> table, ProcInfo process, int controllers)
    {
        for (var current = process; table.TryGetValue(current.ParentPid, out var parent); current = parent)
            if (parent.Pid == controllers)
                return current;
        return null;
    }

    private static bool IsDescendant(Dictionary<int, ProcInfo> table, ProcInfo process, int ancestor)
    {
        for (var current = process; table.TryGetValue(current.ParentPid, out var parent); current = parent)
            if (parent.Pid == ancestor)
                return true;
        return false;
    }

    private static bool IsHistoryServer(ProcInfo process, int port) =>
        process.Args.Contains("/postgres ", StringComparison.Ordinal) && process.Args.Contains($"-p {port} ", StringComparison.Ordinal);

    private static int? MonitoredPid(string args)
    {
        var match = MonitorOption().Match(args);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>A process's proportional set size (its private pages, and its share of each page it shares), 0 once it ended.</summary>
    private static long ProportionalBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                    return long.Parse(line[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024; // in kB
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Ended while being read, or not ours to read.
        }
        return 0;
    }

    private static Dictionary<int, ProcInfo> ReadAll()
    {
        var table = new Dictionary<int, ProcInfo>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // The command name in parentheses may hold spaces: the fields after it are split from its closing parenthesis.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture); // numbered as in proc(5)
                var args = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                table[pid] = new ProcInfo(pid, (int)Field(4), args, Field(14) + Field(15) + Field(16) + Field(17));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                // The process ended while being read: its time is in its parent's reaped-children time.
            }
        }
        return table;
    }

    private sealed record ProcInfo(int Pid, int ParentPid, string Args, long Ticks);

    [DllImport("libc")]
    private static extern long sysconf(int name);

    [System.Text.RegularExpressions.GeneratedRegex(@"/(?:services|tools)/([A-Za-z]+)/")]
    private static partial System.Text.RegularExpressions.Regex ProjectName();

    [System.Text.RegularExpressions.GeneratedRegex(@"/bin/([A-Za-z]+)/net\d")]
    private static partial System.Text.RegularExpressions.Regex BuildConfiguration();

    [System.Text.RegularExpressions.GeneratedRegex(@"--monitor (\d+)")]
    private static partial System.Text.RegularExpressions.Regex MonitorOption();
}
