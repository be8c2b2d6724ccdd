using Npgsql;

namespace CommunityAI.Benchmarks.RewardLedger;

/// <summary>The benchmarks' own statements on their synthetic histories, on a data source the round-trip count leaves out.</summary>
internal static class BenchSql
{
    public static async Task ExecuteAsync(NpgsqlDataSource poll, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = poll.CreateCommand(sql);
        command.CommandTimeout = 600; // filling millions of rows
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Appends <paramref name="count"/> copies of the first event of <paramref name="stream"/> to it, each with the data
    /// <paramref name="data"/> gives (SQL over the first event <c>e</c> and the copy's number <c>g</c>).
    /// </summary>
    public static Task CopyFirstEventAsync(NpgsqlDataSource poll, string stream, int count, string data = "e.data",
        params (string Name, object Value)[] parameters) =>
        ExecuteAsync(poll, $"""
            INSERT INTO history.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
            SELECT nextval('history.mt_events_sequence'), gen_random_uuid(), e.stream_id, e.version + g, {data}, e.type, e.timestamp, e.tenant_id, e.mt_dotnet_type
            FROM history.mt_events e, generate_series(1, @n) g WHERE e.stream_id = @stream AND e.version = 1
            """, [("n", count), ("stream", stream), .. parameters]);

    public static async Task<long> ScalarAsync(NpgsqlDataSource poll, string sql)
    {
        await using var command = poll.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
