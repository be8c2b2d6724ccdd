using System.Diagnostics;

namespace CommunityAI.Testing;

/// <summary>Runs a command to completion and fails loudly with its output.</summary>
public static class ProcessRunner
{
    public static async Task RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // Not left running behind the test: on a loaded machine a CLI can outlast its limit.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {limit}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {await error}{await output}");
    }

    /// <summary>As root, PostgreSQL tools must run as the postgres user.</summary>
    public static (string File, string[] Prefix) AsPostgresUser(string tool) =>
        Environment.UserName == "root" ? ("runuser", ["-u", "postgres", "--", tool]) : (tool, []);
}
