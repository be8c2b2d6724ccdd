using System.Diagnostics;
using CommunityAI.Testing;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// A service run as its own operating-system process (the apphost copied next to the tests), so a test
/// can SIGKILL it mid-work: no graceful shutdown, no flushing, exactly as a crashed pod.
/// </summary>
public sealed class ServiceProcess(string name, IReadOnlyDictionary<string, string> settings) : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = FreePort.Next();
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "CommunityAI." + name))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.MatchesAsync(async () =>
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{name} exited with {_process.ExitCode} during start-up");
            try
            {
                return (await http.GetAsync("/alive")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, up => up, $"{name} to answer /alive", TimeSpan.FromSeconds(180));
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
            return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
