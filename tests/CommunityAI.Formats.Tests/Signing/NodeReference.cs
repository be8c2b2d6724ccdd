using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using CommunityAI.Testing;
using Xunit.Abstractions;

namespace CommunityAI.Formats.Tests.Signing;

/// <summary>
/// Runs the JavaScript reference implementations (ethers.js, @openzeppelin/merkle-tree) that our formats
/// are checked against. Where node or the repository's node_modules is missing, a CI run fails (the
/// cross-check is the point of the test) and a developer run returns null after saying why.
/// </summary>
internal static class NodeReference
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="scriptFromRepoRoot"/> with <paramref name="stdin"/>; returns its stdout, or null when unavailable outside CI.</summary>
    public static string? Run(ITestOutputHelper output, string scriptFromRepoRoot, string? stdin, params string[] requiredPackages)
    {
        var unavailable = Unavailable(requiredPackages, out var repoRoot);
        if (unavailable is not null)
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
                Assert.Fail($"{unavailable}; the cross-check against the JavaScript reference is required in CI");
            output.WriteLine($"Not cross-checked against the JavaScript reference: {unavailable}.");
            return null;
        }

        var script = Path.Combine(repoRoot!, scriptFromRepoRoot);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node {scriptFromRepoRoot} did not finish within {Timeout}");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"node {scriptFromRepoRoot} exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    private static string? Unavailable(string[] requiredPackages, out string? repoRoot)
    {
        repoRoot = RepositoryRoot.TryFind();
        if (repoRoot is null)
            return "the repository root (the folder holding CommunityAI.sln) was not found";
        foreach (var package in requiredPackages)
            if (!Directory.Exists(Path.Combine(repoRoot, "node_modules", package)))
                return $"node_modules/{package} is missing (run `npm install` at the repository root)";
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            probe.WaitForExit();
            return probe.ExitCode == 0 ? null : "`node --version` failed";
        }
        catch (Win32Exception e)
        {
            return $"node is not on the PATH ({e.Message})";
        }
    }
}
