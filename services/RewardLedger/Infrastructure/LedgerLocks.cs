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

    /// <summary>A credit: the contributor's account, and the accounts of the validators it pays (taken in one sorted order).</summary>
    public static Task ForCreditAsync(NpgsqlConnection connection, IEnumerable<string> addresses, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(connection, [TransactionLock.Shared(EpochGate), .. addresses.Select(a => TransactionLock.Exclusive("ledger:account:" + a))], ct);

    /// <summary>A revenue split: like a credit, for every address it credits at once (taken in one sorted order).</summary>
    public static Task ForRevenueAsync(NpgsqlConnection connection, IEnumerable<string> addresses, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(connection, [TransactionLock.Shared(EpochGate), .. addresses.Select(a => TransactionLock.Exclusive("ledger:account:" + a))], ct);

    public static Task ForClosingAsync(NpgsqlConnection connection, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(connection, [EpochGate], ct);

    /// <summary>Recording a policy: serial with other policy records, and with the epoch gate exclusively, so no credit is in flight.</summary>
    public static Task ForPolicyAsync(NpgsqlConnection connection, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(connection, [PolicyGate, EpochGate], ct);
}
