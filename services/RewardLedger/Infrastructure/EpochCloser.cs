using System.Globalization;
using System.Numerics;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Closes epochs in order, each exactly once: stream <c>ledger/epochs/{n}</c> can start only once, and the epoch gate
/// (see <see cref="LedgerLocks"/>) makes the close wait for credits in flight and keeps later credits out of it.
/// </summary>
public sealed class EpochCloser(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static string StreamFor(long epoch) => Extensions.StreamPrefix + "epochs/" + epoch.ToString(CultureInfo.InvariantCulture);

    private static readonly string CumulativeSql = $"""
        SELECT data->>'contributor', sum((data->>'amount')::numeric)::text,
               sum(CASE WHEN (data->>'epoch')::bigint = @epoch THEN (data->>'amount')::numeric ELSE 0 END)::text
        FROM {Extensions.Schema}.mt_doc_journalentry
        WHERE (data->>'epoch')::bigint <= @epoch
        GROUP BY 1
        """;

    private const string FirstEpochSql = $"SELECT min((data->>'epoch')::bigint) FROM {Extensions.Schema}.mt_doc_journalentry";

    /// <summary>The next epoch to close, or null while nothing was ever credited (no empty epochs before the first credit).</summary>
    public async Task<long?> NextToCloseAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var state = await session.LoadAsync<EpochState>(EpochState.Key, ct);
        if (state is not null)
            return state.LastClosed + 1;
        await using var command = dataSource.CreateCommand(FirstEpochSql);
        return await command.ExecuteScalarAsync(ct) is long first ? first : null;
    }

    /// <summary>Closes <paramref name="epoch"/>; returns null when it was already closed.</summary>
    public async Task<ClosedEpoch?> CloseAsync(long epoch, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var connection = session.Connection!;
            await LedgerLocks.ForClosingAsync(connection, ct);
            var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
            if (epoch <= state.LastClosed)
                return null;
            if (state.LastClosed >= 0 && epoch != state.LastClosed + 1)
                throw new InvalidOperationException($"epoch {epoch} cannot close before epoch {state.LastClosed + 1}");

            var cumulative = new List<(string, BigInteger)>();
            var inEpoch = BigInteger.Zero;
            await using (var command = new NpgsqlCommand(CumulativeSql, connection))
            {
                command.Parameters.AddWithValue("epoch", epoch);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    cumulative.Add((reader.GetString(0), TokenAmount.Parse(reader.GetString(1))));
                    inEpoch += TokenAmount.Parse(reader.GetString(2));
                }
            }

            var closed = EpochClosing.Close(epoch, cumulative, inEpoch, clock.GetUtcNow());
            session.Events.StartStream(StreamFor(epoch), closed.Closed);
            session.Store(closed);
            session.Store(state with { LastClosed = epoch });
            await session.SaveChangesAsync(ct);
            return closed;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null;
        }
    }
}
