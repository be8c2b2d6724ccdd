using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommunityAI.Benchmarks.RewardLedger;

/// <summary>
/// Counts the benchmark's database round trips at the Npgsql level, without touching the code measured: every command or
/// batch Npgsql executes (one round trip each; a batch's statements travel together) from its
/// <c>db.client.operation.duration</c> meter, plus every commit and rollback of an explicit transaction (one round trip
/// each; Npgsql sends BEGIN with the transaction's first command) from its <c>Npgsql.Transaction</c> log, which reaches
/// <see cref="Loggers"/> for the data sources given it. Operations of the data source named <see cref="Ignored"/> (the
/// benchmark's own progress polling) are left out.
/// </summary>
internal sealed class RoundTrips : IDisposable
{
    public const string Ignored = "bench-poll";

    private long _operations;
    private readonly TransactionLog _transactions = new();
    private readonly MeterListener _listener = new();

    /// <summary>Give this to the data source measured (<c>NpgsqlDataSourceBuilder.UseLoggerFactory</c>).</summary>
    public ILoggerFactory Loggers { get; }

    public RoundTrips()
    {
        Loggers = LoggerFactory.Create(b => b.AddProvider(_transactions).SetMinimumLevel(LogLevel.Debug));
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Npgsql" && instrument.Name == "db.client.operation.duration")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Value is Ignored)
                    return;
            Interlocked.Increment(ref _operations);
        });
        _listener.Start();
    }

    /// <summary>Operations (commands and batches) and explicit transactions ended so far.</summary>
    public (long Operations, long Transactions) Read() => (Interlocked.Read(ref _operations), _transactions.Count);

    public void Dispose()
    {
        _listener.Dispose();
        Loggers.Dispose();
    }

    private sealed class TransactionLog : ILoggerProvider, ILogger
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public ILogger CreateLogger(string categoryName) => categoryName == "Npgsql.Transaction" ? this : NullLogger.Instance;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (message.StartsWith("Committed transaction", StringComparison.Ordinal) || message.StartsWith("Rolled back transaction", StringComparison.Ordinal))
                Interlocked.Increment(ref _count);
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public void Dispose() { }
    }
}
