using System.Text;
using Microsoft.Extensions.Logging;

namespace CommunityAI.Testing;

/// <summary>
/// Every error a service logs during the tests, appended to one file per test project in the folder named by
/// <c>COMMUNITYAI_SERVER_ERRORS</c> (eng/test.sh sets it, and prints the file of a project that failed). A test that
/// fails on a browser's "An error occurred" or a timed-out wait then shows the service's exception in CI's output,
/// instead of a 500 nobody can explain after the run.
/// </summary>
public sealed class ServerErrorFile : ILoggerProvider
{
    public const string FolderVariable = "COMMUNITYAI_SERVER_ERRORS";

    /// <summary>A file past this many bytes takes no more lines.</summary>
    public const int MaxFileBytes = 4 << 20;

    private static readonly Lock Writing = new();

    // The bytes in each file, kept here (under Writing) instead of asking the file system on every line. Per path, not
    // per sink: every service a test project hosts appends to the project's one file.
    private static readonly Dictionary<string, long> Written = new(StringComparer.Ordinal);

    private readonly string _service;
    private readonly string _path;

    private ServerErrorFile(string service, string path)
    {
        _service = service;
        _path = path;
    }

    /// <summary>The sink for <paramref name="service"/>, or null when no folder is set (a test run by hand).</summary>
    public static ServerErrorFile? For(string service) =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder && Directory.Exists(folder)
            ? new ServerErrorFile(service, Path.Combine(folder, ProjectName() + ".log"))
            : null;

    // The test project's name: its output folder is <project>/bin/<configuration>/<framework>/.
    private static string ProjectName()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return output.Parent?.Parent?.Parent?.Name ?? "tests";
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Append(string text)
    {
        lock (Writing)
        {
            // Asked once per file: one the folder already held (an earlier test process of the same project) counts as it is.
            if (!Written.TryGetValue(_path, out var length))
                Written[_path] = length = File.Exists(_path) ? new FileInfo(_path).Length : 0;
            // A fault test that logs errors in a loop must not fill the disk: past the limit, the file keeps what it has.
            if (length > MaxFileBytes)
                return;
            File.AppendAllText(_path, text); // UTF-8 without a byte order mark, as counted
            Written[_path] = length + Encoding.UTF8.GetByteCount(text);
        }
    }

    private sealed class Logger(ServerErrorFile sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            sink.Append($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {sink._service} {logLevel} {category}: {formatter(state, exception)}\n"
                + (exception is null ? "" : exception + "\n"));
        }
    }
}
