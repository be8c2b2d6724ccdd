using System.Diagnostics;
using CommunityAI.CommunityModel.Infrastructure;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// The evaluator's sandbox, attacked as code that broke out of the model would: from inside, it tries to reach the
/// database the service uses, reads its environment for secrets and its memory limit. The same script outside the
/// sandbox reaches the database and sees the secret, so the test can tell.
/// </summary>
public sealed class SandboxTests
{
    private const string Probe = "COMMUNITYAI_SANDBOX_PROBE_SECRET";

    // bash's /dev/tcp opens a TCP connection; PostgreSQL listens on 127.0.0.1:5432 for every test here.
    private const string Script = "if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then echo reached-database; else echo no-network; fi; " +
        "env; echo address-space-kb=$(ulimit -v)";

    [Fact]
    public async Task Code_in_the_sandbox_reaches_no_network_sees_no_secret_of_the_service_and_runs_under_the_memory_limit()
    {
        Environment.SetEnvironmentVariable(Probe, "connection-string-with-password");
        var directory = Directory.CreateTempSubdirectory("sandbox-test-");
        try
        {
            var outside = await RunAsync(new ProcessStartInfo("bash", ["-c", Script]) { RedirectStandardOutput = true, RedirectStandardError = true });
            Assert.Contains("reached-database", outside);
            Assert.Contains(Probe, outside);

            var inside = await RunAsync(EvaluatorSandbox.Launch(directory.FullName, 2L * 1024 * 1024 * 1024, "bash", "-c", Script));
            Assert.Contains("no-network", inside);
            Assert.DoesNotContain("reached-database", inside);
            Assert.DoesNotContain(Probe, inside);
            Assert.DoesNotContain("ConnectionStrings", inside, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("address-space-kb=2097152", inside);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Probe, null);
            directory.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
        return output;
    }
}
