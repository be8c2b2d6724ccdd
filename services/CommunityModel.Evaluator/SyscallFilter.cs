using System.Runtime.InteropServices;

namespace CommunityAI.ModelEvaluator;

/// <summary>
/// The seccomp filter the evaluator installs on all its threads before it parses a model: the system calls code that
/// broke out of ONNX Runtime would need to reach anything beyond the process fail with EPERM. No socket of any family
/// (so no network, and no Unix socket to a local database either), no io_uring (its operations bypass the socket
/// calls), no exec (no other program, so no shell), no ptrace or cross-process memory, no new namespaces (clone3, whose
/// flags a filter cannot read, answers ENOSYS, so the C library falls back to clone, whose flags it can), no eBPF,
/// keyrings, perf events, userfaultfd or mounts. Everything else a .NET process and ONNX Runtime use is left alone:
/// a filter that denied too much would refuse honest models.
/// </summary>
/// <remarks>
/// x86-64 only, the architecture the images are built for (deploy/build-images.sh): the filter checks the architecture
/// first and kills a call made through another ABI, so the 32-bit or x32 numbering cannot be used around it.
/// </remarks>
public static class SyscallFilter
{
    private const uint AuditArchX8664 = 0xC000003E;
    private const uint X32Bit = 0x40000000;
    private const uint RetKillProcess = 0x80000000;
    private const uint RetAllow = 0x7FFF0000;
    private const uint RetErrno = 0x00050000;
    private const uint Eperm = 1;
    private const uint Enosys = 38;

    // clone's namespace flags: CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET.
    private const uint CloneNamespaces = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

    private const int Clone = 56;
    private const int Clone3 = 435;

    /// <summary>Denied with EPERM (x86-64 numbers).</summary>
    private static readonly (string Name, int Number)[] Denied =
    [
        ("socket", 41), ("connect", 42), ("socketpair", 53),
        ("execve", 59), ("execveat", 322),
        ("ptrace", 101), ("process_vm_readv", 310), ("process_vm_writev", 311),
        ("io_uring_setup", 425), ("io_uring_enter", 426), ("io_uring_register", 427),
        ("unshare", 272), ("setns", 308), ("mount", 165),
        ("bpf", 321), ("perf_event_open", 298), ("userfaultfd", 323),
        ("add_key", 248), ("request_key", 249), ("keyctl", 250),
    ];

    /// <summary>The names of the denied calls, for the self-check's report.</summary>
    public static IEnumerable<string> DeniedNames => Denied.Select(d => d.Name).Append("clone with namespace flags").Append("clone3");

    /// <summary>The classic BPF program of the filter, as <c>struct sock_filter</c> entries.</summary>
    public static SockFilter[] Program()
    {
        var program = new List<SockFilter>
        {
            Load(4),                                   // seccomp_data.arch
            Jump(Jeq, AuditArchX8664, 1, 0),
            Return(RetKillProcess),
            Load(0),                                   // seccomp_data.nr
        };
        // Jump offsets are filled in once the program's tail (allow, clone check, deny, no-such-call) is placed.
        var toDeny = new List<int> { program.Count };
        program.Add(Jump(Jge, X32Bit, 0, 0));
        foreach (var (_, number) in Denied)
        {
            toDeny.Add(program.Count);
            program.Add(Jump(Jeq, (uint)number, 0, 0));
        }
        var toNoSys = program.Count;
        program.Add(Jump(Jeq, Clone3, 0, 0));
        var toCloneCheck = program.Count;
        program.Add(Jump(Jeq, Clone, 0, 0));
        program.Add(Return(RetAllow));
        var cloneCheck = program.Count;
        program.Add(Load(16));                         // seccomp_data.args[0], low half: clone's flags on x86-64
        var cloneFlags = program.Count;
        program.Add(Jump(Jset, CloneNamespaces, 0, 0));
        program.Add(Return(RetAllow));
        var deny = program.Count;
        program.Add(Return(RetErrno | Eperm));
        var noSys = program.Count;
        program.Add(Return(RetErrno | Enosys));

        foreach (var at in toDeny)
            program[at] = program[at] with { JumpTrue = Offset(at, deny) };
        program[toNoSys] = program[toNoSys] with { JumpTrue = Offset(toNoSys, noSys) };
        program[toCloneCheck] = program[toCloneCheck] with { JumpTrue = Offset(toCloneCheck, cloneCheck) };
        program[cloneFlags] = program[cloneFlags] with { JumpTrue = Offset(cloneFlags, deny) };
        return [.. program];
    }

    /// <summary>Installs the filter on every thread of the process (SECCOMP_FILTER_FLAG_TSYNC); null on success, else why not.</summary>
    public static unsafe string? Install()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return $"the system-call filter is written for x86-64, not {RuntimeInformation.ProcessArchitecture}";
        // Without this flag an unprivileged process may not install a filter; it also means no exec could gain privileges.
        if (Libc.Prctl(Libc.PrSetNoNewPrivs, 1, 0, 0, 0) != 0)
            return "no_new_privs: " + Libc.LastError();
        var program = Program();
        fixed (SockFilter* instructions = program)
        {
            var fprog = new SockFprog { Length = (ushort)program.Length, Filter = (IntPtr)instructions };
            var result = Libc.Syscall(Libc.SysSeccomp, Libc.SeccompSetModeFilter, Libc.SeccompFilterFlagTsync, (IntPtr)(&fprog));
            // With TSYNC a positive result is the id of a thread that could not be synchronised.
            if (result != 0)
                return result < 0 ? "seccomp: " + Libc.LastError() : $"seccomp: thread {result} could not take the filter";
        }
        return null;
    }

    private const ushort Jeq = 0x15;   // BPF_JMP | BPF_JEQ | BPF_K
    private const ushort Jge = 0x35;   // BPF_JMP | BPF_JGE | BPF_K
    private const ushort Jset = 0x45;  // BPF_JMP | BPF_JSET | BPF_K

    private static SockFilter Load(uint offset) => new(0x20, 0, 0, offset);          // BPF_LD | BPF_W | BPF_ABS
    private static SockFilter Return(uint value) => new(0x06, 0, 0, value);          // BPF_RET | BPF_K
    private static SockFilter Jump(ushort code, uint value, byte jumpTrue, byte jumpFalse) => new(code, jumpTrue, jumpFalse, value);

    private static byte Offset(int from, int to) => checked((byte)(to - from - 1));

    [StructLayout(LayoutKind.Sequential)]
    public readonly record struct SockFilter(ushort Code, byte JumpTrue, byte JumpFalse, uint Value);

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFprog
    {
        public ushort Length;
        public IntPtr Filter;
    }
}
