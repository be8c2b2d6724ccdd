using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// The assignment rounds (rule in <see cref="AssignmentSeedCommitted"/>), stream <c>scoring/seeds</c>. The round in
/// progress and the next one are always committed; ending a round reveals its secret and commits the one after next,
/// in one transaction under the exclusive seeds lock, which intake takes shared.
/// </summary>
public sealed class SeedBook(IDocumentStore store, IOptions<ScoringOptions> options, TimeProvider clock)
{
    public const string Stream = Extensions.StreamPrefix + "seeds";

    private static readonly string Revealed = OutboxRoutes.EventTypeName(typeof(AssignmentSeedRevealed));

    /// <summary>
    /// The round of a contribution recorded at history sequence <paramref name="sequence"/> (the number of reveals before
    /// it) and that round's secret: held privately while the round runs, read from its reveal afterwards. Null columns
    /// when the round was never committed. Queue it after the shared seeds lock.
    /// </summary>
    internal static NpgsqlBatchCommand RoundOfCommand(LockedRead read, long sequence)
    {
        var command = new NpgsqlBatchCommand(RoundOfSql(read.Table<SeedSecret>()));
        command.Parameters.AddWithValue("seq", sequence);
        return command;
    }

    /// <summary>
    /// The statement of <see cref="RoundOfCommand"/>, with <paramref name="secrets"/> the table of held secrets. Both reads of
    /// the reveals go through the set-up's index on them (<see cref="HistoryIndexes.SeedReveals"/>) and stop at the first
    /// they find, so a draw costs the same in the thousandth round as in the first: the latest reveal before the
    /// contribution, and the first reveal after it, the only one that can hold its round's secret (a reveal of that round
    /// before the contribution would have made the contribution's round a later one).
    /// </summary>
    public static string RoundOfSql(string secrets)
    {
        var events = HistoryStoreExtensions.EventsSchema + ".mt_events";
        return $"""
            WITH r AS (SELECT coalesce((SELECT (data->>'round')::bigint + 1 FROM {events}
                                        WHERE type = '{Revealed}' AND stream_id = '{Stream}' AND seq_id < @seq
                                        ORDER BY seq_id DESC LIMIT 1), 0) AS round)
            SELECT r.round,
                   coalesce((SELECT s.data->>'secret' FROM {secrets} s WHERE s.id = r.round::text),
                            (SELECT e.data->>'secret' FROM {events} e
                             WHERE e.type = '{Revealed}' AND e.stream_id = '{Stream}' AND e.seq_id > @seq
                                   AND (e.data->>'round')::bigint = r.round
                             ORDER BY e.seq_id LIMIT 1))
            FROM r
            """;
    }

    public static async Task<(long Round, string? Secret)> ReadRoundAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    /// <summary>
    /// Commits rounds 0 and 1 at the very first start; ends the current round when it has run for
    /// <see cref="ScoringOptions.SeedRound"/>. Returns how long until the current round is due to end.
    /// </summary>
    public async Task<TimeSpan> AdvanceAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await ScoringLocks.TakeAsync(session.Connection!, [ScoringLocks.Seeds], ct);
        var committed = await session.Query<SeedSecret>().OrderBy(s => s.Round).Take(2).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var length = options.Value.SeedRound;
        if (committed.Count == 0)
        {
            Commit(session, 0, now, opened: now);
            Commit(session, 1, now, opened: null);
            await session.SaveChangesAsync(ct);
            return length;
        }
        var current = committed[0];
        var due = (current.OpenedAt ?? now) + length;
        if (now < due)
            return due - now;

        session.Events.Append(Stream, new AssignmentSeedRevealed(current.Round, current.Secret, now));
        session.Delete<SeedSecret>(current.Id);
        var next = committed.Count > 1 ? committed[1] : null;
        if (next is null)
            Commit(session, current.Round + 1, now, opened: now);
        else
            session.Store(next with { OpenedAt = now });
        Commit(session, current.Round + 2, now, opened: null);
        await session.SaveChangesAsync(ct);
        return length;
    }

    private static void Commit(IDocumentSession session, long round, DateTimeOffset now, DateTimeOffset? opened)
    {
        var secret = AssignmentSeed.NewSecret();
        session.Events.Append(Stream, new AssignmentSeedCommitted(round, AssignmentSeed.Commitment(secret), now));
        session.Store(new SeedSecret(SeedSecret.IdFor(round), round, secret, opened));
    }
}
