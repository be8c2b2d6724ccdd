using CommunityAI.Formats.Policies;
using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The ledger's credits as the history records them: <see cref="ContributionRewarded"/> events in the ledger's credit
/// streams, the lines of <see cref="ValidatorsRewarded"/> events there too, and the lines of <see cref="RevenueSplit"/>
/// events in its revenue streams, the only input of epoch totals and claim trees. The journal and account tables are views for reading;
/// a row inserted or edited there moves no root and pays nothing.
/// </summary>
public static class CreditHistory
{
    /// <summary>Where <see cref="CreditWriter"/> records credits: an event of that type anywhere else is not a credit.</summary>
    public static readonly string CreditStreamPrefix = CreditWriter.StreamFor("");

    /// <summary>Where <see cref="RevenueSplitter"/> records splits.</summary>
    public static readonly string RevenueStreamPrefix = RevenueSplitter.StreamFor("");

    private static readonly string CreditType = OutboxRoutes.EventTypeName(typeof(ContributionRewarded));
    private static readonly string RevenueType = OutboxRoutes.EventTypeName(typeof(RevenueSplit));
    private static readonly string ValidatorsType = OutboxRoutes.EventTypeName(typeof(ValidatorsRewarded));
    private const string Events = HistoryStoreExtensions.EventsSchema + ".mt_events";

    // Every credit as (address, amount, epoch): rewards, each line of each validator pay, then each line of each revenue
    // split (addresses are EIP-55 in all three).
    private static readonly string CreditsSql = $"""
        SELECT data->>'contributor' AS address, (data->>'amount')::numeric AS amount, (data->>'epoch')::bigint AS epoch
        FROM {Events} WHERE type = @type AND starts_with(stream_id, @streams)
        UNION ALL
        SELECT line->>'validator', (line->>'amount')::numeric, (e.data->>'epoch')::bigint
        FROM {Events} e CROSS JOIN LATERAL jsonb_array_elements(e.data->'lines') AS line
        WHERE e.type = @validatorsType AND starts_with(e.stream_id, @streams)
        UNION ALL
        SELECT line->>'address', (line->>'amount')::numeric, (e.data->>'epoch')::bigint
        FROM {Events} e CROSS JOIN LATERAL jsonb_array_elements(e.data->'lines') AS line
        WHERE e.type = @revenueType AND starts_with(e.stream_id, @revenueStreams)
        """;

    // One pass over the history's credits per epoch close (or per claim tree a replica builds), which is rare.
    private static readonly string CumulativeSql = $"""
        SELECT address, sum(amount)::text, sum(CASE WHEN epoch = @epoch THEN amount ELSE 0 END)::text
        FROM ({CreditsSql}) AS credits
        WHERE epoch <= @epoch
        GROUP BY 1
        """;

    private static readonly string FirstEpochSql = $"""
        SELECT min(epoch) FROM ({CreditsSql}) AS credits
        """;

    /// <summary>Every address's total credited in epochs up to <paramref name="epoch"/>, and what was credited to that epoch itself.</summary>
    public static async Task<CreditTotals> UpToAsync(NpgsqlConnection connection, long epoch, CancellationToken ct)
    {
        var cumulative = new List<(string, BigInteger)>();
        var inEpoch = BigInteger.Zero;
        await using var command = new NpgsqlCommand(CumulativeSql, connection);
        command.Parameters.AddWithValue("epoch", epoch);
        AddCreditParameters(command.Parameters);
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
        AddCreditParameters(command.Parameters);
        return await command.ExecuteScalarAsync(ct) is long first ? first : null;
    }

    private static void AddCreditParameters(NpgsqlParameterCollection parameters)
    {
        parameters.AddWithValue("type", CreditType);
        parameters.AddWithValue("streams", CreditStreamPrefix);
        parameters.AddWithValue("revenueType", RevenueType);
        parameters.AddWithValue("validatorsType", ValidatorsType);
        parameters.AddWithValue("revenueStreams", RevenueStreamPrefix);
    }
}
