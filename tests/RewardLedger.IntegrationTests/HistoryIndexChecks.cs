using CommunityAI.ServiceDefaults.Database;
using Npgsql;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// What every test of a set-up index on the history checks: that the set-up creates it and a service's start keeps it,
/// and that a query of the ledger reads it even as a prepared statement's generic plan (Npgsql prepares the services'
/// statements; the planner then knows no parameter's value, so the query's predicate must match the index's literally).
/// </summary>
internal static class HistoryIndexChecks
{
    /// <summary>Runs the set-up's index creation, starts another replica, and checks <paramref name="index"/> is there and valid.</summary>
    public static async Task CreatedAndKeptAsync(LedgerSystem system, HistoryIndexes.Index index)
    {
        _ = system.Api; // the first replica created the history
        await using (var owner = NpgsqlDataSource.Create(system.History))
            await HistoryIndexes.CreateAsync(owner, default);
        system.StartReplica().Dispose(); // a second start's schema check must not drop what the set-up made
        Assert.Equal(1, await LedgerSql.CountAsync(system.History, $"""
            SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE c.relname = '{index.Name}' AND i.indisvalid
            """));
    }

    /// <summary>
    /// The plan of <paramref name="sql"/> as a generic plan with the sequential scan priced out: its <c>@name</c>
    /// parameters become <c>$1…</c> in the order given, each of the PostgreSQL type given, and it runs with the values given.
    /// </summary>
    public static async Task<IReadOnlyList<string>> GenericPlanAsync(string history, string sql, params (string Name, string Type, string Value)[] parameters)
    {
        for (var i = 0; i < parameters.Length; i++)
            sql = sql.Replace("@" + parameters[i].Name, "$" + (i + 1), StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(history);
        await connection.OpenAsync();
        await using (var prepare = new NpgsqlCommand(
            $"SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; PREPARE checked({string.Join(", ", parameters.Select(p => p.Type))}) AS {sql}", connection))
            await prepare.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand($"EXPLAIN EXECUTE checked({string.Join(", ", parameters.Select(p => p.Value))})", connection);
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            plan.Add(reader.GetString(0));
        return plan;
    }
}
