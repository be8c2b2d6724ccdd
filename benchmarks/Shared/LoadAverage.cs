namespace CommunityAI.Benchmarks;

/// <summary>The machine's load, printed with the numbers: a shared build machine skews every rate.</summary>
internal static class LoadAverage
{
    public static string Read() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
