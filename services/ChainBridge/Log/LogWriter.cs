using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// Gives every history event, in store order, the next dense log index and appends its leaf. One active
/// instance (the history follower's leader loop, over every stream); each batch commits entries, nodes and head
/// together, so a crash mid-batch leaves no gap and no duplicate: the next leader resumes from the committed head. It
/// never waits on the broker: <see cref="LogNoticePublisher"/> tells the bus about committed entries.
/// </summary>
public sealed partial class LogWriter(
    NpgsqlDataSource dataSource, LogStore store, LogGauges gauges, LogPulse appended, ILogger<LogWriter> logger)
    : HistoryFollower(dataSource, streamPrefix: null)
{
    // The appender of the current term, made from the committed head when the term starts.
    private LogAppender? _appender;

    public override LeaderLoopSettings Settings { get; } = new("log-writer");

    protected override int BatchSize => 10_000;

    protected override TimeSpan IdleDelay => TimeSpan.FromMilliseconds(100);

    /// <summary>The committed head's last sequence: each term resumes from what committed, whatever the last one left.</summary>
    protected override async Task<long> LoadCheckpointAsync(CancellationToken ct)
    {
        _appender = await LogAppender.ResumeAsync(store, (count, next) =>
        {
            LogAppended(count, next.TreeSize);
            gauges.LogGrew(next.TreeSize);
            appended.Beat();
        }, ct);
        return _appender.Head.LastSequence;
    }

    /// <summary>
    /// Starts the batch's commit and returns, so the next batch is read and built while it commits
    /// (<see cref="LogAppender"/>, one batch ahead, in order); the head it commits is the checkpoint.
    /// </summary>
    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        // A batch of nothing but skipped gaps: the head stays at the last event's sequence and the next term re-reads them.
        if (events.Count > 0)
            await _appender!.AppendAsync(events, checkpoint, ct);
        return true;
    }

    /// <summary>The batch in flight commits or fails on its own; waiting for it surfaces a failure and settles the head.</summary>
    protected override Task SettleAsync(bool termEnds) => _appender?.FlushAsync() ?? Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Appended {Count} entries; tree size {TreeSize}")]
    private partial void LogAppended(int count, long treeSize);
}
