using CommunityAI.ModelEvaluator;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// The evaluator's seccomp program, run here by a small interpreter of the classic BPF it uses, so every decision can be
/// checked call by call; <see cref="SandboxTests"/> checks the kernel makes the same ones.
/// </summary>
public sealed class SyscallFilterTests
{
    private const uint X8664 = 0xC000003E;
    private const uint Allow = 0x7FFF0000;
    private const uint Eperm = 0x00050001;
    private const uint Enosys = 0x00050026;
    private const uint Kill = 0x80000000;
    private const int Self = 4242;

    [Theory]
    [InlineData(0u, 0ul, 0ul, 0ul, Allow)]                          // read
    [InlineData(9u, 0ul, 0ul, 0ul, Allow)]                          // mmap
    [InlineData(41u, 2ul, 0ul, 0ul, Eperm)]                         // socket(AF_INET)
    [InlineData(41u, 1ul, 0ul, 0ul, Eperm)]                         // socket(AF_UNIX)
    [InlineData(42u, 0ul, 0ul, 0ul, Eperm)]                         // connect
    [InlineData(57u, 0ul, 0ul, 0ul, Eperm)]                         // fork
    [InlineData(58u, 0ul, 0ul, 0ul, Eperm)]                         // vfork
    [InlineData(59u, 0ul, 0ul, 0ul, Eperm)]                         // execve
    [InlineData(322u, 0ul, 0ul, 0ul, Eperm)]                        // execveat
    [InlineData(101u, 0ul, 0ul, 0ul, Eperm)]                        // ptrace
    [InlineData(425u, 0ul, 0ul, 0ul, Eperm)]                        // io_uring_setup
    [InlineData(272u, 0ul, 0ul, 0ul, Eperm)]                        // unshare
    [InlineData(87u, 0ul, 0ul, 0ul, Eperm)]                         // unlink
    [InlineData(316u, 0ul, 0ul, 0ul, Eperm)]                        // renameat2
    [InlineData(435u, 0ul, 0ul, 0ul, Enosys)]                       // clone3: the C library falls back to clone
    [InlineData(437u, 0ul, 0ul, 0ul, Enosys)]                       // openat2: the C library uses openat
    [InlineData(56u, 0x3D0F00ul, 0ul, 0ul, Allow)]                  // clone of a thread (glibc's pthread flags)
    [InlineData(56u, 0x11ul, 0ul, 0ul, Eperm)]                      // clone(SIGCHLD): fork by another name
    [InlineData(56u, 0x1003D0F00ul, 0ul, 0ul, Allow)]               // a thread's flags with high bits the kernel ignores
    [InlineData(56u, 0x10000000ul, 0ul, 0ul, Eperm)]                // clone(CLONE_NEWUSER)
    [InlineData(56u, 0x403D0F00ul, 0ul, 0ul, Eperm)]                // a thread in a new network namespace
    [InlineData(56u, 0x20000ul, 0ul, 0ul, Eperm)]                   // clone(CLONE_NEWNS)
    [InlineData(257u, 0ul, 0ul, 0x80000ul, Allow)]                  // openat(O_RDONLY | O_CLOEXEC)
    [InlineData(257u, 0ul, 0ul, 0x80241ul, Eperm)]                  // openat(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
    [InlineData(257u, 0ul, 0ul, 0x402ul, Eperm)]                    // openat(O_RDWR | O_APPEND)
    [InlineData(2u, 0ul, 0ul, 0ul, Allow)]                          // open(O_RDONLY)
    [InlineData(2u, 0ul, 0x2ul, 0ul, Eperm)]                        // open(O_RDWR): the flags are open's second argument
    [InlineData(62u, 4242ul, 0ul, 0ul, Allow)]                      // kill(itself)
    [InlineData(62u, 1ul, 0ul, 0ul, Eperm)]                         // kill(the service, pid 1 in its container)
    [InlineData(62u, 0ul, 0ul, 0ul, Eperm)]                         // kill(0): the whole process group, the service's
    [InlineData(62u, 0xFFFFFFFFFFFFFFFFul, 0ul, 0ul, Eperm)]        // kill(-1): every process of the user
    [InlineData(234u, 4242ul, 17ul, 0ul, Allow)]                    // tgkill(itself, a thread): how the runtime signals its threads
    [InlineData(234u, 1ul, 1ul, 0ul, Eperm)]                        // tgkill(the service)
    [InlineData(200u, 1ul, 0ul, 0ul, Eperm)]                        // tkill
    [InlineData(302u, 0ul, 0ul, 0ul, Allow)]                        // prlimit64(0): glibc's getrlimit
    [InlineData(302u, 4242ul, 0ul, 0ul, Allow)]                     // prlimit64(itself)
    [InlineData(302u, 1ul, 0ul, 0ul, Eperm)]                        // prlimit64(the service)
    [InlineData(129u, 1ul, 0ul, 0ul, Eperm)]                        // rt_sigqueueinfo(the service)
    [InlineData(141u, 0ul, 0ul, 0ul, Eperm)]                        // setpriority
    [InlineData(29u, 0ul, 0ul, 0ul, Eperm)]                         // shmget
    [InlineData(240u, 0ul, 0ul, 0ul, Eperm)]                        // mq_open
    [InlineData(91u, 0ul, 0ul, 0ul, Eperm)]                         // fchmod
    [InlineData(452u, 0ul, 0ul, 0ul, Eperm)]                        // fchmodat2
    [InlineData(0x40000029u, 0ul, 0ul, 0ul, Eperm)]                 // socket through the x32 numbering
    [InlineData(0x40000000u, 0ul, 0ul, 0ul, Eperm)]                 // read through the x32 numbering
    public void Each_call_gets_its_answer(uint number, ulong first, ulong second, ulong third, uint expected) =>
        Assert.Equal(expected, Run(number, X8664, first, second, third));

    [Fact]
    public void A_call_through_another_architecture_kills_the_process() =>
        Assert.Equal(Kill, Run(0, 0x40000003 /* i386 */, 0, 0, 0));

    /// <summary>The classic BPF subset the filter uses: load a word of seccomp_data, jump on equal, greater-or-equal or any bit set, return.</summary>
    private static uint Run(uint number, uint arch, params ulong[] arguments)
    {
        var program = SyscallFilter.Program(Self);
        uint accumulator = 0;
        for (var pc = 0; pc < program.Length; pc++)
        {
            var (code, jumpTrue, jumpFalse, value) = program[pc];
            switch (code)
            {
                case 0x20:
                    accumulator = value switch
                    {
                        0 => number,
                        4 => arch,
                        >= 16 and < 64 when value % 8 == 0 => (uint)arguments[(value - 16) / 8],
                        _ => throw new InvalidOperationException($"load of offset {value}"),
                    };
                    break;
                case 0x06:
                    return value;
                case 0x15 or 0x35 or 0x45:
                    var taken = code switch { 0x15 => accumulator == value, 0x35 => accumulator >= value, _ => (accumulator & value) != 0 };
                    pc += taken ? jumpTrue : jumpFalse;
                    break;
                default:
                    throw new InvalidOperationException($"instruction {code:x}");
            }
        }
        throw new InvalidOperationException("fell off the end of the program");
    }
}
