using System.Globalization;
using System.Numerics;
using Npgsql;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>Reads the ledger's tables and the history directly, to check invariants independently of the service's code.</summary>
public static class LedgerSql
{
    public static async Task<long> CountAsync(string history, string sql)
    {
        await using var connection = new NpgsqlConnection(history);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, CultureInfo.InvariantCulture);
    }

    public static async Task ExecuteAsync(string history, string sql)
    {
        await using var connection = new NpgsqlConnection(history);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<BigInteger> SumAsync(string history, string sql)
    {
        await using var connection = new NpgsqlConnection(history);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT coalesce(({sql}), 0)::text", connection);
        return BigInteger.Parse((string)(await command.ExecuteScalarAsync())!, CultureInfo.InvariantCulture);
    }

    public static async Task<List<(string Address, BigInteger Amount)>> RowsAsync(string history, string sql)
    {
        await using var connection = new NpgsqlConnection(history);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, BigInteger)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), BigInteger.Parse(reader.GetString(1), CultureInfo.InvariantCulture)));
        return rows;
    }
}
