namespace CommunityAI.ModelEvaluator;

/// <summary>
/// What the evaluator does to itself after it has read its request and the model's bytes and before ONNX Runtime parses
/// them. From then on, code that broke out of the model runs in a process that cannot grow past its memory limit, leaves
/// no core, is (where the host allows) the first the kernel kills when memory runs out, runs as nobody if it was started
/// as root, and cannot open a socket, start a process or run a program, write a file, read another process or make a
/// namespace (<see cref="SyscallFilter"/>). The process does it itself, with no tool and no privilege, so it is the same
/// on a developer's machine and in a container whose runtime's seccomp profile forbids namespaces. The service starts it
/// with an empty environment and a wall-clock limit, and keeps its own memory from it (see the model service's
/// <c>EvaluatorSandbox</c>).
/// </summary>
public static class Confinement
{
    /// <summary>The exit status of an evaluator that could not confine itself: the service records nothing and the model waits.</summary>
    public const int Failed = 70;

    /// <summary>
    /// The line the evaluator writes to standard error once confined, before the model is parsed: from then on every exit
    /// is the model's doing, so a model that exits with <see cref="Failed"/> is refused like any other, not retried.
    /// </summary>
    public const string Confirmed = "confined";

    private const uint Nobody = 65534;

    /// <summary>
    /// Called by the service that starts evaluators, at its start: they run as its user in a container, and a same-user
    /// process may read another's /proc/&lt;pid&gt;/environ (the connection string, the builder key) and memory unless that
    /// process is not dumpable. Not dumpable, those files belong to root and ptrace needs a capability neither has. The
    /// cost: no core dump of the service and no debugger attached to it without privilege.
    /// </summary>
    public static void ShieldStarter()
    {
        if (OperatingSystem.IsLinux() && Libc.Prctl(Libc.PrSetDumpable, 0, 0, 0, 0) != 0)
            throw new InvalidOperationException("prctl(PR_SET_DUMPABLE, 0): " + Libc.LastError());
    }

    /// <summary>Confines the process; null when every step held, else the step that failed and why.</summary>
    public static string? Apply(long memoryBytes)
    {
        var noCore = new Libc.Rlimit { Current = 0, Maximum = 0 };
        if (Libc.SetRlimit(Libc.RlimitCore, ref noCore) != 0)
            return "RLIMIT_CORE: " + Libc.LastError();
        // The private memory the runtime already holds (about 50 MiB) counts toward the limit: the rest is the model's.
        // Not RLIMIT_AS: the runtime's reservations (about 5 GB of address space, never touched) are already past it.
        var memory = new Libc.Rlimit { Current = (ulong)memoryBytes, Maximum = (ulong)memoryBytes };
        if (Libc.SetRlimit(Libc.RlimitData, ref memory) != 0)
            return "RLIMIT_DATA: " + Libc.LastError();
        // A container's memory limit is the pod's: when it runs out, the kernel should pick this process, not the service.
        // Best effort: a host that refuses it (a security module) still has the limit above, so models need not wait.
        try
        {
            File.WriteAllText("/proc/self/oom_score_adj", "1000");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        if (Libc.GetEuid() == 0 && DropRoot() is { } notDropped)
            return notDropped;
        return SyscallFilter.Install();
    }

    /// <summary>
    /// Root (a developer's machine, a container run as root) could read every file and every process's environment:
    /// the evaluator becomes nobody, with no supplementary groups, before it touches the model.
    /// </summary>
    private static string? DropRoot()
    {
        if (Libc.SetGroups(0, IntPtr.Zero) != 0)
            return "setgroups: " + Libc.LastError();
        if (Libc.SetGid(Nobody) != 0)
            return "setgid: " + Libc.LastError();
        if (Libc.SetUid(Nobody) != 0)
            return "setuid: " + Libc.LastError();
        return Libc.GetEuid() == Nobody ? null : "setuid: still root";
    }
}
