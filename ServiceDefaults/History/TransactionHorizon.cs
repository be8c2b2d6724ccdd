using System.Diagnostics;
using System.Runtime.CompilerServices;
using Npgsql;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// The moment before which every client transaction of the database had ended when last measured: a gap a feed saw
/// earlier than that can no longer be filled. One per data source, shared by every feed of the process.
/// </summary>
/// <remarks>
/// Reading pg_stat_activity is one of the dearest queries a feed makes: the server copies every backend's status slot,
/// about 30 times the cost of a trivial query with a few hundred connections. Each feed used to ask for itself at every
/// poll while it waited on a gap (a dozen feeds per process under load), which made it the largest single use of
/// PostgreSQL's CPU per contribution. Measuring the oldest open transaction once answers every gap seen before it, for
/// every feed; a new measurement is taken at most once per <see cref="MinInterval"/>, and a feed whose gap is newer
/// simply waits for its next poll.
/// </remarks>
public sealed class TransactionHorizon
{
    /// <summary>The shortest time between two measurements; gaps settle at most this much later than they could.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(50);

    private static readonly ConditionalWeakTable<NpgsqlDataSource, TransactionHorizon> Shared = new();

    // The clock is read in its own statement before the activity is: a transaction that began before that clock
    // reading and is still open is in the activity snapshot, which is taken at its first use in the batch's transaction.
    private const string ClockSql = "SELECT clock_timestamp()";
    private const string OldestOpenSql = """
        SELECT min(xact_start) FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid()
        """;

    // The last number the history's sequence handed out (none yet: its start less one); null when sessions cache numbers.
    private const string SequenceSql = $"""
        SELECT CASE WHEN s.is_called THEN s.last_value ELSE s.last_value - 1 END
        FROM {HistoryStoreExtensions.EventsSchema}.mt_events_sequence s
        WHERE (SELECT seqcache FROM pg_sequence WHERE seqrelid = '{HistoryStoreExtensions.EventsSchema}.mt_events_sequence'::regclass) = 1
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _measuring = new(1, 1);
    private long _horizon; // ticks of the server's clock (UTC); read without the lock, so kept as one word
    private long _measuredAt;
    private long _measurements;

    private TransactionHorizon(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>The horizon every feed reading through <paramref name="dataSource"/> shares.</summary>
    public static TransactionHorizon For(NpgsqlDataSource dataSource) => Shared.GetValue(dataSource, d => new TransactionHorizon(d));

    /// <summary>How many times pg_stat_activity was read (for tests and benchmarks).</summary>
    public long Measurements => Interlocked.Read(ref _measurements);

    /// <summary>
    /// True when no transaction that began at or before <paramref name="observedAt"/> (the server's clock) can still be
    /// open; false when one may be, or when the last measurement is too recent to take another (ask again later).
    /// </summary>
    public async Task<bool> HasPassedAsync(DateTime observedAt, CancellationToken ct)
    {
        if (observedAt.Ticks < Interlocked.Read(ref _horizon))
            return true;
        await _measuring.WaitAsync(ct);
        try
        {
            // Another feed may have measured while this one waited.
            if (observedAt.Ticks < _horizon || Stopwatch.GetElapsedTime(_measuredAt) < MinInterval)
                return observedAt.Ticks < _horizon;
            Interlocked.Exchange(ref _horizon, (await MeasureAsync(ct)).Ticks);
            _measuredAt = Stopwatch.GetTimestamp();
            return observedAt.Ticks < _horizon;
        }
        finally
        {
            _measuring.Release();
        }
    }

    /// <summary>
    /// A history sequence below which every event is settled: each transaction that drew a sequence up to it has
    /// committed or rolled back, so a read from now on sees all of them and no later commit adds one. Null when the
    /// horizon did not pass within <paramref name="within"/> (a long transaction is open), or when the sequence hands
    /// out numbers from a session cache (then a number could be drawn after it was read, and nothing is settled).
    /// </summary>
    /// <remarks>
    /// The sequence is read before the clock, so every number up to it was drawn, and its transaction begun, before
    /// that clock reading; once no transaction that began by then is open, all of them have ended.
    /// </remarks>
    public async Task<long?> SettledSequenceAsync(TimeSpan within, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        long? sequence;
        DateTime clock;
        await using (var batch = _dataSource.CreateBatch())
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(SequenceSql));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(ClockSql));
            await using var reader = await batch.ExecuteReaderAsync(ct);
            sequence = await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? reader.GetInt64(0) : null;
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            clock = reader.GetDateTime(0);
        }
        while (sequence is not null && !await HasPassedAsync(clock, ct))
        {
            if (Stopwatch.GetElapsedTime(started) > within)
                return null;
            await Task.Delay(MinInterval, ct);
        }
        return sequence;
    }

    private async Task<DateTime> MeasureAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _measurements);
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(ClockSql));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(OldestOpenSql));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var clock = reader.GetDateTime(0);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        // Every transaction open now began at or after the oldest start; none that begins later began before the clock.
        return reader.IsDBNull(0) ? clock : Min(clock, reader.GetDateTime(0));
    }

    private static DateTime Min(DateTime a, DateTime b) => a <= b ? a : b;
}
