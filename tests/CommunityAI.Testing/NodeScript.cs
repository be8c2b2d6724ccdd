using System.Diagnostics;
using System.Text;
using Xunit;

namespace CommunityAI.Testing;

/// <summary>
/// Runs a reference script with node from the repository's node_modules (OpenZeppelin's JS libraries, ethers): the
/// input goes on stdin, the script's stdout comes back. The tests compare our code with those libraries through it.
/// </summary>
public static class NodeScript
{
    /// <summary>Runs <paramref name="scriptPath"/> (relative to the repository root) with <paramref name="input"/> on stdin.</summary>
    /// <param name="requiredPackage">A package under node_modules the script imports, checked first so a missing install is named.</param>
    public static string Run(string scriptPath, string input, string requiredPackage)
    {
        var repo = RepositoryRoot.Find();
        Assert.True(Directory.Exists(Path.Combine(repo, "node_modules", requiredPackage)),
            $"node_modules/{requiredPackage} is missing (run `npm install` at the repository root)");
        var script = Path.Combine(repo, scriptPath);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "node did not finish");
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
