using Npgsql;

namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// Every PostgreSQL advisory lock of the system goes through here, so all of them share one name space and one hash:
/// a lock is named by a short path (<c>ledger:epochs</c>, <c>scoring:case:0x…</c>), prefixed with
/// <see cref="Prefix"/> and hashed with <c>hashtextextended(name, 0)</c> into PostgreSQL's 64-bit key. Two kinds:
/// session locks for leadership (<see cref="LeaderLock"/>, held on a dedicated connection for as long as it lives) and
/// transaction-scoped locks for short critical sections (<see cref="TakeAsync(NpgsqlConnection, IEnumerable{TransactionLock}, CancellationToken)"/>),
/// released by PostgreSQL at commit or rollback.
/// </summary>
public static class AdvisoryLock
{
    /// <summary>Keeps our keys apart from any other application's advisory locks in the same database.</summary>
    public const string Prefix = "communityai:";

    // One statement for any set of keys: WITH ORDINALITY keeps the order chosen in C#, and the ordered subquery feeds
    // the lock calls in that order (PostgreSQL would otherwise be free to call them in any order).
    private const string TransactionSql = """
        SELECT count(CASE WHEN s THEN pg_advisory_xact_lock_shared(hashtextextended(k, 0)) ELSE pg_advisory_xact_lock(hashtextextended(k, 0)) END)
        FROM (SELECT k, s FROM unnest(@keys::text[], @shared::bool[]) WITH ORDINALITY AS t(k, s, n) ORDER BY n) AS ordered
        """;

    private const string TrySessionSql = "SELECT pg_try_advisory_lock(hashtextextended(@key, 0))";
    private const string ReleaseSessionSql = "SELECT pg_advisory_unlock(hashtextextended(@key, 0))";

    /// <summary>The string PostgreSQL hashes for the lock named <paramref name="name"/>.</summary>
    public static string KeyOf(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name.StartsWith(Prefix, StringComparison.Ordinal)
            ? throw new ArgumentException($"lock names carry no '{Prefix}' prefix; it is added here", nameof(name))
            : Prefix + name;
    }

    /// <summary>
    /// Takes every lock in <paramref name="locks"/> for the rest of the connection's current transaction, in one round
    /// trip. Outside a transaction PostgreSQL would release them at the end of this very statement, so begin one first.
    /// </summary>
    public static async Task TakeAsync(NpgsqlConnection connection, IEnumerable<TransactionLock> locks, CancellationToken ct)
    {
        if (Command(locks) is not { } take)
            return;
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { take } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Takes exclusive transaction-scoped locks on every name in <paramref name="names"/>.</summary>
    public static Task TakeAsync(NpgsqlConnection connection, IEnumerable<string> names, CancellationToken ct) =>
        TakeAsync(connection, names.Select(TransactionLock.Exclusive), ct);

    /// <summary>
    /// The statement that takes every lock in <paramref name="locks"/> (to queue in a batch before the reads it guards);
    /// null when there are none. Keys are taken in one sorted order, whoever asks, so two transactions that each take
    /// all their keys in one statement never wait on each other in a cycle. A name asked for both shared and exclusive
    /// is taken exclusive.
    /// </summary>
    public static NpgsqlBatchCommand? Command(IEnumerable<TransactionLock> locks)
    {
        var sorted = locks
            .GroupBy(l => KeyOf(l.Name), StringComparer.Ordinal)
            .Select(g => (Key: g.Key, Shared: g.All(l => l.IsShared)))
            .OrderBy(l => l.Key, StringComparer.Ordinal)
            .ToArray();
        if (sorted.Length == 0)
            return null;
        var command = new NpgsqlBatchCommand(TransactionSql);
        command.Parameters.AddWithValue("keys", sorted.Select(l => l.Key).ToArray());
        command.Parameters.AddWithValue("shared", sorted.Select(l => l.Shared).ToArray());
        return command;
    }

    /// <summary>Tries once to take the session lock <paramref name="name"/> on <paramref name="connection"/>.</summary>
    internal static async Task<bool> TryTakeSessionAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(TrySessionSql, connection);
        command.Parameters.AddWithValue("key", KeyOf(name));
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Releases the session lock <paramref name="name"/> held on <paramref name="connection"/>.</summary>
    internal static async Task ReleaseSessionAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(ReleaseSessionSql, connection);
        command.Parameters.AddWithValue("key", KeyOf(name));
        await command.ExecuteScalarAsync(ct);
    }
}
