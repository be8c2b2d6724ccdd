using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Transaction-scoped advisory locks that make the ledger's decisions serial where they must be, across replicas:
/// credits hold the epoch gate shared and the credited address exclusively; closing an epoch holds the gate
/// exclusively, so it waits for every credit in flight and no credit can land in an epoch once it is closed.
/// </summary>
internal static class LedgerLocks
{
    private const string EpochGate = "communityai:ledger:epochs";
    private const string PolicyGate = "communityai:ledger:policies";

    public static Task ForCreditAsync(NpgsqlConnection connection, string address, CancellationToken ct) =>
        ExecuteAsync(connection, "SELECT pg_advisory_xact_lock_shared(hashtextextended(@gate, 0)), pg_advisory_xact_lock(hashtextextended(@address, 0))",
            ct, ("gate", EpochGate), ("address", "communityai:ledger:account:" + address));

    public static Task ForClosingAsync(NpgsqlConnection connection, CancellationToken ct) =>
        ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended(@gate, 0))", ct, ("gate", EpochGate));

    public static Task ForPolicyAsync(NpgsqlConnection connection, CancellationToken ct) =>
        ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended(@gate, 0))", ct, ("gate", PolicyGate));

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params (string Name, string Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(ct);
    }
}
