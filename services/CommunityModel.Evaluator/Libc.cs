using System.Runtime.InteropServices;

namespace CommunityAI.ModelEvaluator;

/// <summary>
/// The few C library calls the evaluator confines itself with (Linux, x86-64). glibc applies setuid, setgid and
/// setgroups to every thread of the process, which the runtime's threads need; setrlimit is per process.
/// </summary>
internal static class Libc
{
    public const int RlimitCore = 4;
    public const int RlimitData = 2;
    public const int PrSetDumpable = 4;
    public const int PrSetNoNewPrivs = 38;
    public const long SysSeccomp = 317;
    public const uint SeccompSetModeFilter = 1;
    public const uint SeccompFilterFlagTsync = 1;
    public const int CloneNewUser = 0x10000000;

    [StructLayout(LayoutKind.Sequential)]
    public struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    public static extern int SetRlimit(int resource, ref Rlimit limit);

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    public static extern int GetRlimit(int resource, out Rlimit limit);

    [DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static extern int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static extern long Syscall(long number, ulong arg1, ulong arg2, IntPtr arg3);

    [DllImport("libc", EntryPoint = "geteuid")]
    public static extern uint GetEuid();

    [DllImport("libc", EntryPoint = "getppid")]
    public static extern int GetPpid();

    [DllImport("libc", EntryPoint = "setgroups", SetLastError = true)]
    public static extern int SetGroups(nuint size, IntPtr groups);

    [DllImport("libc", EntryPoint = "setgid", SetLastError = true)]
    public static extern int SetGid(uint gid);

    [DllImport("libc", EntryPoint = "setuid", SetLastError = true)]
    public static extern int SetUid(uint uid);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "unshare", SetLastError = true)]
    public static extern int Unshare(int flags);

    /// <summary>The last call's error as the C library names it, e.g. "Operation not permitted".</summary>
    public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
}
