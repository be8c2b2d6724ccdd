using System.Diagnostics;

namespace CommunityAI.Testing;

/// <summary>Runs a command to completion and fails loudly with its output.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="file"/> and throws unless it exits 0.</summary>
    public static async Task RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        var (status, output, errors) = await RunAsync(start, timeout);
        if (status != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited {status}: {errors}{output}");
    }

    /// <summary>
    /// Runs <paramref name="start"/> (its output and errors redirected; its input, when redirected, closed at once) to
    /// its end and returns its exit status and what it printed; past <paramref name="timeout"/> (two minutes unless
    /// given) it is killed and a <see cref="TimeoutException"/> says what it had printed.
    /// </summary>
    public static async Task<(int Status, string Output, string Errors)> RunAsync(ProcessStartInfo start, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!start.RedirectStandardOutput || !start.RedirectStandardError)
            throw new ArgumentException("output and errors must be redirected, to be returned", nameof(start));
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        if (start.RedirectStandardInput)
            process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
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
            // What it printed, when its pipes close soon after the kill (a grandchild could hold them open).
            var printed = await Task.WhenAll(output, errors).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => t.IsCompletedSuccessfully ? string.Concat(t.Result) : "");
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {limit}: {printed}");
        }
        // Its pipes close at its exit, unless a process it left behind holds them: that must not hang the test either.
        var texts = await Task.WhenAll(output, errors).WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, texts[0], texts[1]);
    }

    /// <summary>As root, PostgreSQL tools must run as the postgres user.</summary>
    public static (string File, string[] Prefix) AsPostgresUser(string tool) =>
        Environment.UserName == "root" ? ("runuser", ["-u", "postgres", "--", tool]) : (tool, []);
}
