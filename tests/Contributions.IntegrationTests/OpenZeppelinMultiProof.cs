using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Contributions.IntegrationTests;

/// <summary>@openzeppelin/merkle-tree's verifyMultiProof, run by node from the repository's node_modules, over answers as served.</summary>
public static class OpenZeppelinMultiProof
{
    public static bool[] Verify(IEnumerable<JsonElement> answers)
    {
        var repo = RepoRoot();
        Assert.True(Directory.Exists(Path.Combine(repo, "node_modules", "@openzeppelin", "merkle-tree")),
            "node_modules/@openzeppelin/merkle-tree is missing (run `npm install` at the repository root)");
        var script = Path.Combine(repo, "tests", "Contributions.IntegrationTests", "verify-multiproof.mjs");
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
        process.StandardInput.Write(JsonSerializer.Serialize(answers));
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "node did not finish");
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}: {stderr.Result}");
        return JsonSerializer.Deserialize<bool[]>(stdout.Result)!;
    }

    // From this source file, since the test binaries may live in an artifacts folder outside the tree.
    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        for (var dir = new FileInfo(source).Directory; dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CommunityAI.sln")))
                return dir.FullName;
        throw new InvalidOperationException("the repository root was not found above " + source);
    }
}
