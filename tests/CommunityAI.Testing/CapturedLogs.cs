using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CommunityAI.Testing;

/// <summary>Every log line a host writes, with its exception's full text, at every level.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<Exception> _exceptions = new();

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The exceptions logged, as objects (a start-up failure is found among them by type).</summary>
    public IReadOnlyCollection<Exception> Exceptions => _exceptions;

    public string AllText => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines, _exceptions);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines, ConcurrentQueue<Exception> exceptions) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The structured values too: a sink that stores them (OTLP does) would hold them as well.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
            if (exception is not null)
                exceptions.Enqueue(exception);
        }
    }
}
