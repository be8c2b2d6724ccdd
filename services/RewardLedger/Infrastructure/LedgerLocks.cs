using CommunityAI.ServiceDefaults.Background;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The transaction-scoped advisory locks (<see cref="AdvisoryLock"/>) that make the ledger's decisions serial where they must be, across replicas:
/// credits hold the epoch gate shared and the credited address exclusively; closing an epoch holds the gate
/// exclusively, so it waits for every credit in flight and no credit can land in an epoch once it is closed; recording a
/// policy holds it exclusively too, so a credit never uses a schedule older than its epoch.
/// </summary>
internal static class LedgerLocks
{
    private const string EpochGate = "ledger:epochs";
    private const string PolicyGate = "ledger:policies";
    private const string ScoreFeed = "ledger:scores";

    /// <summary>A change to a credited contribution (reversal, appeal settlement): the accounts it moves (taken in one sorted order).</summary>
    public static Task ForCreditAsync(NpgsqlConnection connection, IEnumerable<string> addresses, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(connection, [TransactionLock.Shared(EpochGate), .. addresses.Select(a => TransactionLock.Exclusive("ledger:account:" + a))], ct);

    /// <summary>
    /// Crediting scores (<see cref="CreditWriter"/>): like a change to a credit, for every account a batch touches; with
    /// <paramref name="feed"/>, the score feed too, exclusively, so two replicas crediting the same batch take turns (the
    /// second finds it credited) and the feed's checkpoint, read and written under it, never moves back. Advisory locks
    /// live in PostgreSQL's shared lock table (max_locks_per_transaction × connections): a feed batch of 500 events
    /// holds at most a few hundred.
    /// </summary>
    public static Task ForScoresAsync(NpgsqlConnection connection, IEnumerable<string> addresses, bool feed, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(connection,
            [.. feed ? [TransactionLock.Exclusive(ScoreFeed)] : Array.Empty<TransactionLock>(), TransactionLock.Shared(EpochGate),
             .. addresses.Select(a => TransactionLock.Exclusive("ledger:account:" + a))], ct);

    /// <summary>A revenue split: like a credit, for every address it credits at once (taken in one sorted order).</summary>
    public static Task ForRevenueAsync(NpgsqlConnection connection, IEnumerable<string> addresses, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(connection, [TransactionLock.Shared(EpochGate), .. addresses.Select(a => TransactionLock.Exclusive("ledger:account:" + a))], ct);

    public static Task ForClosingAsync(NpgsqlConnection connection, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(connection, [EpochGate], ct);

    /// <summary>Recording a policy: serial with other policy records, and with the epoch gate exclusively, so no credit is in flight.</summary>
    public static Task ForPolicyAsync(NpgsqlConnection connection, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(connection, [PolicyGate, EpochGate], ct);
}
