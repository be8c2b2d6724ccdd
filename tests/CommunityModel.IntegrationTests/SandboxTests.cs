using System.Diagnostics;
using CommunityAI.CommunityModel.Infrastructure;
using CommunityAI.ModelEvaluator;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// The evaluator's sandbox, attacked as code that broke out of the model would: the evaluator's self-check, started
/// exactly as the service starts an evaluation, tries each thing once before it confines itself and once after, from
/// reaching the database the service uses to reading the service's environment, running another program, writing a
/// file, making a namespace and taking more memory than its limit. Before shows each probe can succeed here; after must be refused.
/// </summary>
public sealed class SandboxTests
{
    private const string Probe = "COMMUNITYAI_SANDBOX_PROBE_SECRET";
    private const long Memory = 2L * 1024 * 1024 * 1024;

    [Fact]
    public async Task Code_in_the_sandbox_reaches_no_network_no_secret_no_program_no_file_no_namespace_and_no_memory_past_its_limit()
    {
        // As the service's Program does: the evaluator runs as the same user, so this process must not be readable by it.
        Confinement.ShieldStarter();
        Environment.SetEnvironmentVariable(Probe, "connection-string-with-password");
        var directory = Directory.CreateTempSubdirectory("sandbox-test-");
        try
        {
            // PostgreSQL listens on 127.0.0.1:5432 for every test here.
            var report = await RunAsync(EvaluatorSandbox.Launch(directory.FullName, Memory,
                EvaluatorSandbox.EvaluatorPath, "--self-check", Memory.ToString(System.Globalization.CultureInfo.InvariantCulture), "127.0.0.1:5432"));
            Assert.Equal("yes", report["confined"]);
            Assert.Equal("before=reached after=refused (AccessDenied)", report["network"]);
            Assert.EndsWith("after=refused (UnauthorizedAccessException)", report["parent-environment"]);
            Assert.StartsWith("before=ran after=refused", report["exec"]);
            Assert.Equal("before=allowed after=refused (Operation not permitted)", report["signal-parent"]);
            Assert.Equal("before=written after=refused (UnauthorizedAccessException)", report["write"]);
            Assert.Equal("0", report["sockets-held"]);
            Assert.EndsWith("after=refused (Operation not permitted)", report["namespace"]);
            Assert.Equal("before=allocated after=refused (out of memory)", report["memory"]);
            Assert.Equal(Memory.ToString(System.Globalization.CultureInfo.InvariantCulture), report["data-limit"]);
            Assert.NotEqual("0", report["user"]);
            Assert.Equal("1000", report["oom-score-adj"]);
            Assert.DoesNotContain(Probe, report["environment"]);
            Assert.DoesNotContain("ConnectionStrings", report["environment"], StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Probe, null);
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--self-check")]
    [InlineData("--self-check", "lots", "127.0.0.1:5432")]
    [InlineData("--self-check", "-1", "127.0.0.1:5432")]
    [InlineData("--self-check", "2147483648", "no-port")]
    [InlineData("--self-check", "2147483648", "127.0.0.1:99999")]
    [InlineData("--self-check", "2147483648", ":5432")]
    public async Task A_malformed_self_check_prints_its_usage(params string[] arguments)
    {
        var directory = Directory.CreateTempSubdirectory("sandbox-test-");
        try
        {
            var (status, output, errors) = await RunProcessAsync(EvaluatorSandbox.Launch(directory.FullName, Memory, [EvaluatorSandbox.EvaluatorPath, .. arguments]));
            Assert.True(status == 64, $"exit {status}: {output}{errors}");
            Assert.StartsWith("usage: ", errors, StringComparison.Ordinal);
            Assert.Empty(output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The self-check's report, one "name: value" per line.</summary>
    private static async Task<Dictionary<string, string>> RunAsync(ProcessStartInfo start)
    {
        var (status, output, errors) = await RunProcessAsync(start);
        Assert.True(status == 0, output + errors);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);
    }

    /// <summary>Runs the evaluator to its end, or kills it after two minutes and fails with what it printed.</summary>
    private static async Task<(int Status, string Output, string Errors)> RunProcessAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"the evaluator did not finish within two minutes: {await output}{await errors}");
        }
        return (process.ExitCode, await output, await errors);
    }
}
