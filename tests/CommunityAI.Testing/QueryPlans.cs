using Npgsql;

namespace CommunityAI.Testing;

/// <summary>
/// The plan PostgreSQL gives a service's query as a prepared statement's generic plan: Npgsql and Marten prepare the
/// services' statements, and the planner then knows no parameter's value, so a partial index is used only when the
/// query's own predicate implies the index's. A test that an index serves a query reads this plan.
/// </summary>
public static class QueryPlans
{
    /// <summary>
    /// The plan of <paramref name="sql"/> as a generic plan with the sequential scan priced out: each parameter's
    /// <c>Placeholder</c> (<c>@name</c>, <c>:p0</c>) becomes <c>$1…</c> in the order given, of the PostgreSQL type given,
    /// and it runs with the values given.
    /// </summary>
    public static async Task<IReadOnlyList<string>> GenericAsync(string database, string sql, params (string Placeholder, string Type, string Value)[] parameters)
    {
        // Longest first, so :p1 does not eat the start of :p10.
        foreach (var (parameter, i) in parameters.Select((p, i) => (p, i)).OrderByDescending(p => p.p.Placeholder.Length))
            sql = sql.Replace(parameter.Placeholder, "$" + (i + 1), StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var prepare = new NpgsqlCommand(
            $"SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; PREPARE checked({string.Join(", ", parameters.Select(p => p.Type))}) AS {sql.TrimEnd(';', ' ')}", connection))
            await prepare.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand($"EXPLAIN EXECUTE checked({string.Join(", ", parameters.Select(p => p.Value))})", connection);
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            plan.Add(reader.GetString(0));
        return plan;
    }
}
