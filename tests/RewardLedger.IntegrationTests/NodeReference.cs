using System.Diagnostics;
using System.Text;
using CommunityAI.Testing;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>Runs a JavaScript reference (here @openzeppelin/merkle-tree) from the repository, where node_modules is.</summary>
internal static class NodeReference
{
    public static async Task<string> RunAsync(string scriptFromRepoRoot, string stdin)
    {
        var root = RepositoryRoot.Find();
        Assert.True(Directory.Exists(Path.Combine(root, "node_modules", "@openzeppelin", "merkle-tree")),
            "node_modules/@openzeppelin/merkle-tree is missing: run `npm ci` at the repository root");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(root, scriptFromRepoRoot));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node {scriptFromRepoRoot} exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
