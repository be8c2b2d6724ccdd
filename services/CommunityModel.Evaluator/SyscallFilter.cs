using System.Runtime.InteropServices;

namespace CommunityAI.ModelEvaluator;

/// <summary>
/// The seccomp filter the evaluator installs on all its threads before it parses a model: the system calls code that
/// broke out of ONNX Runtime would need to reach anything beyond the process fail with EPERM. No socket of any family
/// (so no network, and no Unix socket to a local database either), no io_uring (its operations bypass the socket
/// calls), no new process (fork, vfork, clone without CLONE_THREAD: nothing outlives the evaluation to meddle with the
/// next one) and no exec, no file opened for writing and no file created, renamed, linked, removed or re-permissioned
/// (the evaluator's user shares /tmp with the service in a container), no signal, resource limit or priority for another
/// process (the service is the same user), no System V IPC or message queues (memory no limit counts, which outlives the
/// process), no ptrace or cross-process memory, no new namespaces, no eBPF, keyrings, perf events, userfaultfd or mounts. clone3 and openat2, whose flags sit in a structure a filter cannot
/// read, answer ENOSYS, so the C library falls back to clone and openat, whose flags it can. Everything else a .NET
/// process and ONNX Runtime use is left alone: a filter that denied too much would refuse honest models.
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
    private const uint CloneThread = 0x00010000;
    // open's flags that write or create: O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND (O_TMPFILE needs one of the first two).
    private const uint OpenForWriting = 0x1 | 0x2 | 0x40 | 0x200 | 0x400;

    /// <summary>Denied with EPERM (x86-64 numbers).</summary>
    private static readonly (string Name, int Number)[] Denied =
    [
        ("socket", 41), ("connect", 42), ("socketpair", 53),
        ("fork", 57), ("vfork", 58), ("execve", 59), ("execveat", 322),
        ("creat", 85), ("truncate", 76), ("rename", 82), ("renameat", 264), ("renameat2", 316), ("mkdir", 83), ("mkdirat", 258),
        ("rmdir", 84), ("link", 86), ("linkat", 265), ("unlink", 87), ("unlinkat", 263), ("symlink", 88), ("symlinkat", 266),
        ("mknod", 133), ("mknodat", 259), ("chmod", 90), ("fchmod", 91), ("fchmodat", 268), ("fchmodat2", 452),
        ("chown", 92), ("fchown", 93), ("lchown", 94), ("fchownat", 260),
        ("setxattr", 188), ("lsetxattr", 189), ("fsetxattr", 190), ("removexattr", 197), ("lremovexattr", 198), ("fremovexattr", 199),
        ("utime", 132), ("utimes", 235), ("futimesat", 261), ("utimensat", 280),
        ("ptrace", 101), ("process_vm_readv", 310), ("process_vm_writev", 311),
        ("tkill", 200), ("pidfd_open", 434), ("pidfd_send_signal", 424), ("pidfd_getfd", 438), ("setpriority", 141), ("ioprio_set", 251),
        // System V IPC and POSIX message queues: memory no limit of the process counts, and which outlives it.
        ("shmget", 29), ("shmat", 30), ("shmctl", 31), ("shmdt", 67), ("semget", 64), ("semop", 65), ("semctl", 66), ("semtimedop", 220),
        ("msgget", 68), ("msgsnd", 69), ("msgrcv", 70), ("msgctl", 71),
        ("mq_open", 240), ("mq_unlink", 241), ("mq_timedsend", 242), ("mq_timedreceive", 243), ("mq_notify", 244), ("mq_getsetattr", 245),
        ("io_uring_setup", 425), ("io_uring_enter", 426), ("io_uring_register", 427),
        ("unshare", 272), ("setns", 308), ("mount", 165),
        ("bpf", 321), ("perf_event_open", 298), ("userfaultfd", 323),
        ("add_key", 248), ("request_key", 249), ("keyctl", 250),
    ];

    /// <summary>Answered ENOSYS: their flags are out of the filter's reach, and the C library falls back to a call whose flags are not.</summary>
    private static readonly (string Name, int Number)[] Unreadable = [("clone3", 435), ("openat2", 437)];

    private enum Test
    {
        /// <summary>Denied when any bit of the mask is set.</summary>
        AnySet,

        /// <summary>Denied when no bit of the mask is set.</summary>
        NoneSet,

        /// <summary>Denied unless the argument is one of the values (<see cref="Self"/> stands for the evaluator's own pid).</summary>
        OneOf,
    }

    /// <summary>Stands for the evaluator's own process id in a <see cref="Test.OneOf"/> rule.</summary>
    private const uint Self = uint.MaxValue;

    /// <summary>
    /// Calls allowed or denied by an argument (its low 32 bits: flags and pids are ints to the kernel). The rules of one
    /// call read the same argument. A signal may go only to the evaluator itself (the service shares its user and its
    /// process group, and a pid of 0 or -1 means the group or every process of the user), and resource limits may be
    /// read or set only for itself (glibc's getrlimit is prlimit64 with pid 0).
    /// </summary>
    private static readonly (string Name, int Number, int Argument, Test Test, uint[] Values)[] Flagged =
    [
        ("clone with namespace flags", 56, 0, Test.AnySet, [CloneNamespaces]),
        ("clone of a process, not a thread", 56, 0, Test.NoneSet, [CloneThread]),
        ("open for writing", 2, 1, Test.AnySet, [OpenForWriting]),
        ("openat for writing", 257, 2, Test.AnySet, [OpenForWriting]),
        ("kill of another process", 62, 0, Test.OneOf, [Self]),
        ("tgkill of another process", 234, 0, Test.OneOf, [Self]),
        ("rt_sigqueueinfo to another process", 129, 0, Test.OneOf, [Self]),
        ("rt_tgsigqueueinfo to another process", 297, 0, Test.OneOf, [Self]),
        ("prlimit64 of another process", 302, 0, Test.OneOf, [0, Self]),
    ];

    /// <summary>The names of the denied calls, for the self-check's report.</summary>
    public static IEnumerable<string> DeniedNames => Denied.Concat(Unreadable).Select(d => d.Name).Concat(Flagged.Select(f => f.Name));

    /// <summary>The classic BPF program of the filter for the process <paramref name="self"/>, as <c>struct sock_filter</c> entries.</summary>
    public static SockFilter[] Program(int self)
    {
        var program = new List<SockFilter>
        {
            Load(4),                                   // seccomp_data.arch
            Jump(Jeq, AuditArchX8664, 1, 0),
            Return(RetKillProcess),
            Load(0),                                   // seccomp_data.nr
        };
        // Jumps to the shared tail (deny, no-such-call) and to each flagged call's block are filled in once placed.
        var toDeny = new List<(int At, bool WhenTrue)> { (program.Count, true) };
        program.Add(Jump(Jge, X32Bit, 0, 0));
        foreach (var (_, number) in Denied)
        {
            toDeny.Add((program.Count, true));
            program.Add(Jump(Jeq, (uint)number, 0, 0));
        }
        var toNoSys = new List<int>();
        foreach (var (_, number) in Unreadable)
        {
            toNoSys.Add(program.Count);
            program.Add(Jump(Jeq, (uint)number, 0, 0));
        }
        var calls = Flagged.Select(f => f.Number).Distinct().ToList();
        var toBlock = calls.ToDictionary(n => n, n =>
        {
            program.Add(Jump(Jeq, (uint)n, 0, 0));
            return program.Count - 1;
        });
        program.Add(Return(RetAllow));
        foreach (var number in calls)
        {
            program[toBlock[number]] = program[toBlock[number]] with { JumpTrue = Offset(toBlock[number], program.Count) };
            var rules = Flagged.Where(f => f.Number == number).ToList();
            program.Add(Load(16 + 8 * (uint)rules[0].Argument)); // seccomp_data.args[n], low half
            foreach (var (_, _, _, test, values) in rules)
            {
                switch (test)
                {
                    case Test.AnySet:
                        toDeny.Add((program.Count, true));
                        program.Add(Jump(Jset, values[0], 0, 0));
                        break;
                    case Test.NoneSet:
                        toDeny.Add((program.Count, false));
                        program.Add(Jump(Jset, values[0], 0, 0));
                        break;
                    case Test.OneOf:
                        // A match skips the rest of the rule's comparisons; no match at the last one denies.
                        for (var i = 0; i < values.Length; i++)
                        {
                            var value = values[i] == Self ? (uint)self : values[i];
                            if (i == values.Length - 1)
                                toDeny.Add((program.Count, false));
                            program.Add(Jump(Jeq, value, checked((byte)(values.Length - 1 - i)), 0));
                        }
                        break;
                }
            }
            program.Add(Return(RetAllow));
        }
        var deny = program.Count;
        program.Add(Return(RetErrno | Eperm));
        var noSys = program.Count;
        program.Add(Return(RetErrno | Enosys));

        foreach (var (at, whenTrue) in toDeny)
            program[at] = whenTrue ? program[at] with { JumpTrue = Offset(at, deny) } : program[at] with { JumpFalse = Offset(at, deny) };
        foreach (var at in toNoSys)
            program[at] = program[at] with { JumpTrue = Offset(at, noSys) };
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
        var program = Program(Environment.ProcessId);
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
