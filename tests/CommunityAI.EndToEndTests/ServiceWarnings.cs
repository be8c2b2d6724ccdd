using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// Every warning and error the in-process services log, kept so that a test which times out can say what the
/// services complained about meanwhile: a flaky failure in CI is then diagnosable from its output alone.
/// </summary>
public sealed class ServiceWarnings(string service) : ILoggerProvider
{
    private const int Kept = 2_000;
    private static readonly ConcurrentQueue<string> Lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(service, categoryName);

    public void Dispose() { }

    /// <summary>The distinct warnings seen, newest last, each with how often it was logged.</summary>
    public static string Summary(int distinct = 40)
    {
        var lines = Lines.ToArray();
        var counted = lines
            .Select((line, index) => (line, index))
            .GroupBy(entry => entry.line)
            .Select(group => (Line: group.Key, Count: group.Count(), Last: group.Max(entry => entry.index)))
            .OrderBy(group => group.Last)
            .TakeLast(distinct)
            .Select(group => $"  {group.Count}× {group.Line}");
        return string.Join('\n', counted);
    }

    private sealed class Logger(string service, string category) : ILogger
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
            Lines.Enqueue(line);
            while (Lines.Count > Kept)
                Lines.TryDequeue(out _);
        }

        private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";
    }
}
