using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CommunityAI.ModelEvaluator;

/// <summary>
/// What an operator (and the sandbox test) runs to see the confinement hold where the service runs: each thing code that
/// broke out of a model would try, once before the process confines itself and once after, one line each
/// (<c>name: before=… after=…</c>). Before shows the probe can succeed here; after must say refused. Run it as the
/// service runs it, e.g. in its container: <c>dotnet CommunityAI.ModelEvaluator.dll --self-check 2147483648 db:5432</c>.
/// </summary>
internal static class SelfCheck
{
    /// <summary>The memory limit and the address to probe, or null when they are not a positive number and a host:port.</summary>
    public static (long MemoryBytes, string Host, int Port)? Parse(string memoryText, string address)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var separator = address.LastIndexOf(':');
        if (!long.TryParse(memoryText, System.Globalization.NumberStyles.None, invariant, out var memoryBytes) || memoryBytes <= 0
            || separator <= 0
            || !int.TryParse(address.AsSpan(separator + 1), System.Globalization.NumberStyles.None, invariant, out var port)
            || port is 0 or > 65535)
            return null;
        return (memoryBytes, address[..separator], port);
    }

    public static int Run(long memoryBytes, string host, int port)
    {
        var probes = new (string Name, Func<string> Probe)[]
        {
            ("network", () => Connect(host, port)),
            ("parent-environment", () => Read($"/proc/{Libc.GetPpid()}/environ")),
            // Signal 0 checks the right to signal without sending anything.
            ("signal-parent", () => Libc.Kill(Libc.GetPpid(), 0) == 0 ? "allowed" : "refused (" + Libc.LastError() + ")"),
            ("exec", Exec),
            ("write", () => Write(Path.Combine(Path.GetTempPath(), $"communityai-self-check-{Environment.ProcessId}"))),
            ("namespace", () => Libc.Unshare(Libc.CloneNewUser) == 0 ? "made" : "refused (" + Libc.LastError() + ")"),
            ("memory", () => Allocate(memoryBytes)),
        };
        var before = probes.Select(p => p.Probe()).ToList();
        var failed = Confinement.Apply(memoryBytes);
        Console.Out.WriteLine("confined: " + (failed ?? "yes"));
        if (failed is not null)
            return Confinement.Failed;
        for (var i = 0; i < probes.Length; i++)
            Console.Out.WriteLine($"{probes[i].Name}: before={before[i]} after={probes[i].Probe()}");
        Libc.GetRlimit(Libc.RlimitData, out var limit);
        Console.Out.WriteLine($"data-limit: {limit.Current}");
        Console.Out.WriteLine($"user: {Libc.GetEuid()}");
        Console.Out.WriteLine("oom-score-adj: " + File.ReadAllText("/proc/self/oom_score_adj").Trim());
        // A socket inherited from the service would need no socket call: there must be none.
        Console.Out.WriteLine("sockets-held: " + Directory.GetFiles("/proc/self/fd")
            .Count(fd => File.ResolveLinkTarget(fd, returnFinalTarget: false)?.FullName.Contains("socket:", StringComparison.Ordinal) == true));
        Console.Out.WriteLine("environment: " + string.Join(",", Environment.GetEnvironmentVariables().Keys.Cast<string>().Order(StringComparer.Ordinal)));
        Console.Out.WriteLine("denied-calls: " + string.Join(",", SyscallFilter.DeniedNames));
        return 0;
    }

    private static string Connect(string host, int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(host, port);
            return "reached";
        }
        catch (SocketException e)
        {
            return $"refused ({e.SocketErrorCode})";
        }
    }

    private static string Read(string path)
    {
        try
        {
            return $"read {File.ReadAllBytes(path).Length} bytes";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"refused ({e.GetType().Name})";
        }
    }

    private static string Write(string path)
    {
        try
        {
            File.WriteAllText(path, "probe");
            File.Delete(path);
            return "written";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"refused ({e.GetType().Name})";
        }
    }

    private static string Exec()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, "--list-runtimes") { RedirectStandardOutput = true })!;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return "ran";
        }
        catch (Win32Exception e)
        {
            return $"refused ({e.Message})";
        }
    }

    private static unsafe string Allocate(long bytes)
    {
        try
        {
            var memory = NativeMemory.Alloc((nuint)bytes);
            NativeMemory.Free(memory);
            return "allocated";
        }
        catch (OutOfMemoryException)
        {
            return "refused (out of memory)";
        }
    }
}
