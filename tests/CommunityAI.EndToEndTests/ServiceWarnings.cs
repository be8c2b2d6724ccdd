using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// Every warning and error the in-process services log, kept so that a test which times out can say what the
/// services complained about meanwhile: a flaky failure in CI is then diagnosable from its output alone. Test classes
/// run their systems side by side, so each line is kept with its system (the history database it uses).
/// </summary>
public sealed class ServiceWarnings(string service, string history) : ILoggerProvider
{
    private const int Kept = 5_000;
    private static readonly ConcurrentQueue<(string System, string Line)> Lines = new();
    private readonly string _system = SystemOf(history);

    public ILogger CreateLogger(string categoryName) => new Logger(service, _system, categoryName);

    public void Dispose() { }

    /// <summary>The distinct warnings of the system on <paramref name="history"/>, newest last, each with how often it was logged.</summary>
    public static string Summary(string history, int distinct = 60)
    {
        var system = SystemOf(history);
        var lines = Lines.Where(l => l.System == system).Select(l => l.Line).ToArray();
        var counted = lines
            .Select((line, index) => (line, index))
            .GroupBy(entry => entry.line)
            .Select(group => (Line: group.Key, Count: group.Count(), Last: group.Max(entry => entry.index)))
            .OrderBy(group => group.Last)
            .TakeLast(distinct)
            .Select(group => $"  {group.Count}× {group.Line}");
        return string.Join('\n', counted);
    }

    /// <summary>Host, port and database: the same for every service of one system, whatever role each logs in as.</summary>
    private static string SystemOf(string history)
    {
        var builder = new NpgsqlConnectionStringBuilder(history);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    private sealed class Logger(string service, string system, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var message = formatter(state, exception);
            var line = $"{service} {logLevel} {category}: {Truncate(message, 300)}"
                + (exception is null ? "" : $" [{exception.GetType().Name}: {Truncate(exception.GetBaseException().Message, 200)}]");
            Lines.Enqueue((system, line));
            while (Lines.Count > Kept)
                Lines.TryDequeue(out _);
        }

        private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";
    }
}
