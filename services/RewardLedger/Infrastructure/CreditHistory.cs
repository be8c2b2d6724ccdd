using CommunityAI.Formats.Policies;
using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The ledger's credits as the history records them: <see cref="ContributionRewarded"/> events in the ledger's credit
/// streams, the only input of epoch totals and claim trees. The journal and account tables are views for reading;
/// a row inserted or edited there moves no root and pays nothing.
/// </summary>
public static class CreditHistory
{
    /// <summary>Where <see cref="CreditWriter"/> records credits: an event of that type anywhere else is not a credit.</summary>
    public static readonly string CreditStreamPrefix = CreditWriter.StreamFor("");

    private static readonly string CreditType = OutboxRoutes.EventTypeName(typeof(ContributionRewarded));
    private const string Events = HistoryStoreExtensions.EventsSchema + ".mt_events";

    // One pass over the history's credits per epoch close (or per claim tree a replica builds), which is rare.
    private static readonly string CumulativeSql = $"""
        SELECT data->>'contributor', sum((data->>'amount')::numeric)::text,
               sum(CASE WHEN (data->>'epoch')::bigint = @epoch THEN (data->>'amount')::numeric ELSE 0 END)::text
        FROM {Events}
        WHERE type = @type AND starts_with(stream_id, @streams) AND (data->>'epoch')::bigint <= @epoch
        GROUP BY 1
        """;

    private static readonly string FirstEpochSql = $"""
        SELECT min((data->>'epoch')::bigint) FROM {Events} WHERE type = @type AND starts_with(stream_id, @streams)
        """;

    /// <summary>Every address's total credited in epochs up to <paramref name="epoch"/>, and what was credited to that epoch itself.</summary>
    public static async Task<CreditTotals> UpToAsync(NpgsqlConnection connection, long epoch, CancellationToken ct)
    {
        var cumulative = new List<(string, BigInteger)>();
        var inEpoch = BigInteger.Zero;
        await using var command = new NpgsqlCommand(CumulativeSql, connection);
        command.Parameters.AddWithValue("epoch", epoch);
        command.Parameters.AddWithValue("type", CreditType);
        command.Parameters.AddWithValue("streams", CreditStreamPrefix);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            cumulative.Add((reader.GetString(0), TokenAmount.Parse(reader.GetString(1))));
            inEpoch += TokenAmount.Parse(reader.GetString(2));
        }
        return new CreditTotals(cumulative, inEpoch);
    }

    /// <summary>The epoch of the earliest credit, or null while nothing was ever credited.</summary>
    public static async Task<long?> FirstEpochAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(FirstEpochSql);
        command.Parameters.AddWithValue("type", CreditType);
        command.Parameters.AddWithValue("streams", CreditStreamPrefix);
        return await command.ExecuteScalarAsync(ct) is long first ? first : null;
    }
}
