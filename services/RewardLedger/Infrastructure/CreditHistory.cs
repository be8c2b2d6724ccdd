using CommunityAI.Formats.Policies;
using System.Globalization;
using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Claims;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The ledger's credits as the history records them: <see cref="ContributionRewarded"/> events in the ledger's credit
/// streams, the lines of <see cref="ValidatorsRewarded"/> events there too, and the lines of <see cref="RevenueSplit"/>
/// events in its revenue streams, the only input of epoch totals and claim trees, less the debits of <see cref="RewardAdjusted"/>
/// events in its credit streams, plus or minus the lines of <see cref="AppealSettled"/> events there, plus the
/// <see cref="ModelGainRewarded"/> events of its gain streams less their <see cref="ModelGainReversed"/> debits, plus the
/// <see cref="DataValueRewarded"/> events of its data-value streams less their <see cref="DataValueReversed"/> debits. The journal and account tables are views for reading; a row inserted or edited there moves
/// no root and pays nothing.
/// </summary>
public static class CreditHistory
{
    /// <summary>Where <see cref="CreditWriter"/> records credits: an event of that type anywhere else is not a credit.</summary>
    public static readonly string CreditStreamPrefix = CreditWriter.StreamFor("");

    /// <summary>Where <see cref="GainCrediter"/> records gain credits.</summary>
    public static readonly string GainStreamPrefix = GainCrediter.StreamFor("");

    /// <summary>Where <see cref="DataValueCrediter"/> records data-value credits.</summary>
    public static readonly string DataValueStreamPrefix = DataValueCrediter.StreamFor("");

    /// <summary>Where <see cref="RevenueSplitter"/> records splits.</summary>
    public static readonly string RevenueStreamPrefix = RevenueSplitter.StreamFor("");

    private static readonly string CreditType = OutboxRoutes.EventTypeName(typeof(ContributionRewarded));
    private static readonly string RevenueType = OutboxRoutes.EventTypeName(typeof(RevenueSplit));
    private static readonly string ValidatorsType = OutboxRoutes.EventTypeName(typeof(ValidatorsRewarded));
    private static readonly string AdjustedType = OutboxRoutes.EventTypeName(typeof(RewardAdjusted));
    private static readonly string SettledType = OutboxRoutes.EventTypeName(typeof(AppealSettled));
    private static readonly string GainType = OutboxRoutes.EventTypeName(typeof(ModelGainRewarded));
    private static readonly string GainReversedType = OutboxRoutes.EventTypeName(typeof(ModelGainReversed));
    private static readonly string DataValueType = OutboxRoutes.EventTypeName(typeof(DataValueRewarded));
    private static readonly string DataValueReversedType = OutboxRoutes.EventTypeName(typeof(DataValueReversed));
    private const string Events = HistoryStoreExtensions.EventsSchema + ".mt_events";

    // Every credit as (address, amount, epoch): rewards, each line of each validator pay, each line of each revenue
    // split, then each contributed model's gain credit and each data-value credit (addresses are EIP-55 in all five).
    // Each type is a literal, so every part reads the set-up's index holding its type (HistoryIndexes.LedgerEntries, the
    // rewards CreditsByContributor or RewardsInOrder) even in a prepared statement's generic plan, instead of every event
    // ever recorded.
    private static readonly string CreditsSql = $"""
        SELECT data->>'contributor' AS address, (data->>'amount')::numeric AS amount, (data->>'epoch')::bigint AS epoch, seq_id
        FROM {Events} WHERE type = '{CreditType}' AND starts_with(stream_id, @streams)
        UNION ALL
        SELECT line->>'validator', (line->>'amount')::numeric, (e.data->>'epoch')::bigint, e.seq_id
        FROM {Events} e CROSS JOIN LATERAL jsonb_array_elements(e.data->'lines') AS line
        WHERE e.type = '{ValidatorsType}' AND starts_with(e.stream_id, @streams)
        UNION ALL
        SELECT line->>'address', (line->>'amount')::numeric, (e.data->>'epoch')::bigint, e.seq_id
        FROM {Events} e CROSS JOIN LATERAL jsonb_array_elements(e.data->'lines') AS line
        WHERE e.type = '{RevenueType}' AND starts_with(e.stream_id, @revenueStreams)
        UNION ALL
        SELECT data->>'contributor', (data->>'amount')::numeric, (data->>'epoch')::bigint, seq_id
        FROM {Events} WHERE type = '{GainType}' AND starts_with(stream_id, @gainStreams)
        UNION ALL
        SELECT data->>'contributor', (data->>'amount')::numeric, (data->>'epoch')::bigint, seq_id
        FROM {Events} WHERE type = '{DataValueType}' AND starts_with(stream_id, @dataValueStreams)
        """;

    // The history's credits and debits in a range of sequences (the planner takes the range into each part's index):
    // each address's net amount per epoch, which the published rule (CumulativeClaims) turns into cumulative amounts. An
    // appeal's settlement lines are signed: a positive one counts as credited in its epoch, a negative one as a debit.
    // An epoch close reads everything up to a settled sequence before it takes the epoch gate every credit waits on, and
    // only what came after under it (CloseAsync); a claim tree a replica builds reads everything at once.
    private static string EntriesSql(string range) => $"""
        SELECT address, epoch, sum(amount)::text, sum(CASE WHEN epoch = @epoch AND amount > 0 THEN amount ELSE 0 END)::text
        FROM ({CreditsSql}
              UNION ALL
              SELECT data->>'account', (data->>'amount')::numeric, (data->>'epoch')::bigint, seq_id
              FROM {Events} WHERE type = '{AdjustedType}' AND starts_with(stream_id, @streams)
              UNION ALL
              SELECT line->>'account', (line->>'amount')::numeric, (e.data->>'epoch')::bigint, e.seq_id
              FROM {Events} e CROSS JOIN LATERAL jsonb_array_elements(e.data->'lines') AS line
              WHERE e.type = '{SettledType}' AND starts_with(e.stream_id, @streams)
              UNION ALL
              SELECT data->>'account', (data->>'amount')::numeric, (data->>'epoch')::bigint, seq_id
              FROM {Events} WHERE type = '{GainReversedType}' AND starts_with(stream_id, @gainStreams)
              UNION ALL
              SELECT data->>'account', (data->>'amount')::numeric, (data->>'epoch')::bigint, seq_id
              FROM {Events} WHERE type = '{DataValueReversedType}' AND starts_with(stream_id, @dataValueStreams)) AS entries
        WHERE epoch <= @epoch AND {range}
        GROUP BY 1, 2
        """;

    /// <summary>Entries up to and including sequence <c>@through</c>.</summary>
    internal static readonly string EntriesThroughSql = EntriesSql("seq_id <= @through");

    /// <summary>Entries after sequence <c>@after</c>.</summary>
    internal static readonly string EntriesAfterSql = EntriesSql("seq_id > @after");

    internal static readonly string FirstEpochSql = $"""
        SELECT min(epoch) FROM ({CreditsSql}) AS credits
        """;

    /// <summary>
    /// Every address's cumulative amount at <paramref name="epoch"/> under the published rule (<see cref="CumulativeClaims"/>:
    /// never below an amount published before, debits absorbed by later credits), and what was credited to that epoch itself
    /// (credits only: a debit is no negative credit), from every entry the history holds.
    /// </summary>
    public static async Task<CreditTotals> UpToAsync(NpgsqlConnection connection, long epoch, CancellationToken ct) =>
        CreditEntries.TotalsAt(epoch, await ThroughAsync(connection, epoch, long.MaxValue, ct));

    /// <summary>The entries for <paramref name="epoch"/>'s totals up to and including sequence <paramref name="through"/>.</summary>
    public static Task<CreditEntries> ThroughAsync(NpgsqlConnection connection, long epoch, long through, CancellationToken ct) =>
        ReadAsync(connection, EntriesThroughSql, epoch, ("through", through), ct);

    /// <summary>The entries for <paramref name="epoch"/>'s totals after sequence <paramref name="after"/>.</summary>
    public static Task<CreditEntries> AfterAsync(NpgsqlConnection connection, long epoch, long after, CancellationToken ct) =>
        ReadAsync(connection, EntriesAfterSql, epoch, ("after", after), ct);

    private static async Task<CreditEntries> ReadAsync(
        NpgsqlConnection connection, string sql, long epoch, (string Name, long Value) range, CancellationToken ct)
    {
        var net = new List<(string, long, BigInteger)>();
        var inEpoch = BigInteger.Zero;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("epoch", epoch);
        command.Parameters.AddWithValue(range.Name, range.Value);
        AddCreditParameters(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            net.Add((reader.GetString(0), reader.GetInt64(1), BigInteger.Parse(reader.GetString(2), CultureInfo.InvariantCulture)));
            inEpoch += TokenAmount.Parse(reader.GetString(3));
        }
        return new CreditEntries(net, inEpoch);
    }

    /// <summary>The epoch of the earliest credit, or null while nothing was ever credited.</summary>
    public static async Task<long?> FirstEpochAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(FirstEpochSql);
        AddCreditParameters(command.Parameters);
        return await command.ExecuteScalarAsync(ct) is long first ? first : null;
    }

    // What a contributor's rewards credited in one epoch before a given credit: the cap input that credit used (its account's
    // EarnedInEpoch then), since one address's credits are written one at a time under its lock, in sequence order. The
    // type is a literal and the rest is written as the set-up's index on credits is (HistoryIndexes.CreditsByContributor),
    // so even a prepared statement's generic plan reads that index instead of the whole history.
    internal static readonly string EarnedBeforeSql = $"""
        SELECT coalesce(sum((data->>'amount')::numeric), 0)::text FROM {Events}
        WHERE type = '{CreditType}' AND starts_with(stream_id, @streams) AND data->>'contributor' = @contributor
          AND (data->>'epoch')::bigint = @epoch AND seq_id < @sequence
        """;

    /// <summary>
    /// What <paramref name="contributor"/>'s rewards (<see cref="ContributionRewarded"/>) credited in <paramref name="epoch"/>
    /// before the credit at <paramref name="sequence"/>: the per-epoch cap's input of that credit.
    /// </summary>
    public static async Task<BigInteger> EarnedBeforeAsync(NpgsqlConnection connection, string contributor, long epoch, long sequence, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(EarnedBeforeSql, connection);
        command.Parameters.AddWithValue("streams", CreditStreamPrefix);
        command.Parameters.AddWithValue("contributor", contributor);
        command.Parameters.AddWithValue("epoch", epoch);
        command.Parameters.AddWithValue("sequence", sequence);
        return TokenAmount.Parse((string)(await command.ExecuteScalarAsync(ct))!);
    }

    private static void AddCreditParameters(NpgsqlParameterCollection parameters)
    {
        parameters.AddWithValue("streams", CreditStreamPrefix);
        parameters.AddWithValue("revenueStreams", RevenueStreamPrefix);
        parameters.AddWithValue("gainStreams", GainStreamPrefix);
        parameters.AddWithValue("dataValueStreams", DataValueStreamPrefix);
    }
}
