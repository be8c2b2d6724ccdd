using Npgsql;
using NpgsqlTypes;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// Reads the history in sequence order without ever skipping an event that commits late.
/// </summary>
/// <remarks>
/// The store's sequence has gaps: a transaction takes a number, another commits a higher one first,
/// and the first may commit later or roll back. Marten's daemon skips a gap after a timeout, which can
/// drop a slow commit. We instead wait until no transaction that began before the gap was seen is
/// still open (pg_stat_activity.xact_start), which is exactly when the gap can no longer be filled; that is measured
/// once for every feed of the process (<see cref="TransactionHorizon"/>).
/// Only sessions of this database can hold a history sequence number, so others never hold the feed up.
/// This needs the reader to see other sessions' activity: same role, superuser or pg_read_all_stats.
/// </remarks>
public sealed class HistoryFeed(NpgsqlDataSource dataSource, string? streamPrefix = null)
{
    private const string Events = HistoryStoreExtensions.EventsSchema + ".mt_events";

    private static readonly string ReadSql = $"""
        SELECT seq_id, id, stream_id, version, type, timestamp,
               CASE WHEN @prefix IS NULL OR starts_with(stream_id, @prefix) THEN data::text END,
               CASE WHEN @prefix IS NULL OR starts_with(stream_id, @prefix) THEN headers ->> '{HistoryTraceContext.Header}' END
        FROM {Events}
        WHERE seq_id > @after AND seq_id <= @upto
        ORDER BY seq_id
        LIMIT @max
        """;

    private const string ClockSql = "SELECT clock_timestamp()";

    public async Task<FeedBatch> ReadAsync(FeedCursor cursor, int max, CancellationToken ct)
    {
        if (cursor.Hole is { } hole)
        {
            if (!await TransactionHorizon.For(dataSource).HasPassedAsync(hole.ObservedAt, ct))
                return new FeedBatch([], cursor);

            var (final, _) = await ReadRowsAsync(cursor.Checkpoint, hole.UpTo, max, ct);
            // Everything up to hole.UpTo is final now: missing numbers there will never commit.
            var next = final.Count < max ? new FeedCursor(hole.UpTo) : cursor with { Checkpoint = final[^1].Sequence };
            return new FeedBatch(final, next);
        }

        var (rows, observedAt) = await ReadRowsAsync(cursor.Checkpoint, long.MaxValue, max, ct);
        var contiguous = 0;
        for (var expected = cursor.Checkpoint + 1; contiguous < rows.Count && rows[contiguous].Sequence == expected; expected++)
            contiguous++;

        if (contiguous == rows.Count)
            return new FeedBatch(rows, new FeedCursor(rows.Count == 0 ? cursor.Checkpoint : rows[^1].Sequence));

        var handedOut = rows.Take(contiguous).ToList();
        var checkpoint = contiguous == 0 ? cursor.Checkpoint : handedOut[^1].Sequence;
        return new FeedBatch(handedOut, new FeedCursor(checkpoint, new PendingHole(rows[^1].Sequence, observedAt)));
    }

    private async Task<(List<StoredEvent> Rows, DateTime ObservedAt)> ReadRowsAsync(long after, long upTo, int max, CancellationToken ct)
    {
        // The clock is read after the rows, so every transaction that could own a gap below them began earlier.
        await using var batch = dataSource.CreateBatch();
        var read = new NpgsqlBatchCommand(ReadSql);
        read.Parameters.Add(new NpgsqlParameter("prefix", NpgsqlDbType.Text) { Value = (object?)streamPrefix ?? DBNull.Value });
        read.Parameters.AddWithValue("after", after);
        read.Parameters.AddWithValue("upto", upTo);
        read.Parameters.AddWithValue("max", max);
        batch.BatchCommands.Add(read);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(ClockSql));

        var rows = new List<StoredEvent>(Math.Min(max, 1024));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new StoredEvent(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (rows, reader.GetDateTime(0));
    }
}
