using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Transaction-scoped advisory locks that make scoring's decisions serial where they must be, across replicas. Each
/// statement takes its keys in one sorted order. A transaction's first statement holds at most one case lock (intake
/// adds the content and band locks to it); only reviews take more afterwards, and then only validator locks, which no
/// transaction holds while it waits for a case, content or band lock. So two transactions never wait in a cycle.
/// </summary>
internal static class ScoringLocks
{
    public static string Case(string contributionId) => "communityai:scoring:case:" + contributionId;
    public static string Content(string contentHash) => "communityai:scoring:content:" + contentHash;
    public static string Band(long key) => "communityai:scoring:band:" + key.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public static string Validator(string address) => "communityai:scoring:validator:" + address.ToLowerInvariant();
    public const string Policies = "communityai:scoring:policies";

    /// <summary>Takes every lock in <paramref name="keys"/> in sorted order, in one round trip.</summary>
    public static async Task TakeAsync(NpgsqlConnection connection, IEnumerable<string> keys, CancellationToken ct)
    {
        if (Command(keys) is not { } take)
            return;
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { take } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The statement that takes every lock in <paramref name="keys"/> in sorted order; null when there are none.</summary>
    public static NpgsqlBatchCommand? Command(IEnumerable<string> keys)
    {
        var sorted = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (sorted.Length == 0)
            return null;
        // WITH ORDINALITY keeps the C# order; the ordered subquery feeds the lock calls in that order.
        var command = new NpgsqlBatchCommand("""
            SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0)))
            FROM (SELECT k FROM unnest(@keys::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n) AS ordered
            """);
        command.Parameters.AddWithValue("keys", sorted);
        return command;
    }
}
