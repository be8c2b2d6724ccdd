using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.ServiceDefaults.Database;

/// <summary>
/// Indexes on the history's events table that serve one service's reads. The database set-up creates them as the
/// history's owner (<see cref="DatabaseSetup"/>); every service's store ignores them in its schema check
/// (<see cref="HistoryStoreExtensions.ConfigureHistory"/>), so no start drops what the set-up made, and a service's
/// login, which does not own the table, is never asked to. Each is partial on one event type, so appends of every other
/// type pay nothing for it.
/// </summary>
public static class HistoryIndexes
{
    public sealed record Index(string Name, string Definition);

    /// <summary>
    /// The ledger's credits by contributor and epoch: an appeal's settlement sums what the contributor was credited in the
    /// epoch before the credit it corrects (the cap's input). Without it that sum scanned the whole history: 1.24 s at
    /// 410,000 events, paid by every appeal. Queries using it must name the type as a literal, so the planner can match the
    /// predicate even in a prepared statement's generic plan.
    /// </summary>
    public static readonly Index CreditsByContributor = new("mt_events_credits_by_contributor",
        $"((data->>'contributor'), ((data->>'epoch')::bigint), seq_id) WHERE type = '{OutboxRoutes.EventTypeName(typeof(ContributionRewarded))}'");

    /// <summary>
    /// Dataset payments in history order: the ledger's revenue loop reads every payment not split yet once a second.
    /// Without it each read scanned the whole history, and the loop ran back to back: at 500,000 events about a second a
    /// read in three processes, found in an hour's soak sampled active in 40 of 40 looks at the server. Payments are
    /// rare, so the index is tiny. Queries using it must name the type as a literal (as above).
    /// </summary>
    public static readonly Index PaymentsInOrder = new("mt_events_dataset_payments",
        $"(seq_id) WHERE type = '{OutboxRoutes.EventTypeName(typeof(DatasetPaid))}'");

    /// <summary>
    /// Quality-scoring's seed reveals in history order: each contribution's draw of reviewers reads the latest reveal before
    /// it (its seed round). Without it that read sorted every reveal the stream ever had, one more every round (two a
    /// minute in the local system, 144 a day at the default ten minutes), on every contribution: 17–23 ms at 97 rounds in an
    /// hour's soak, found active in 4 of 20 looks at the server. The query names the type as a literal (as above).
    /// </summary>
    public static readonly Index SeedReveals = new("mt_events_seed_reveals",
        $"(seq_id) WHERE type = '{OutboxRoutes.EventTypeName(typeof(AssignmentSeedRevealed))}'");

    /// <summary>
    /// The ledger's entries, every credit and debit an epoch's claims are summed from (the ledger's <c>CreditHistory</c>),
    /// by type in history order; the rewards among them are read through <see cref="CreditsByContributor"/>, which holds
    /// exactly them (the planner chose it for them at 2 million events even with the rewards here too). An epoch close
    /// sums them all, most of them before it takes the epoch gate and the newest under it; without the index the sum read
    /// every event every service ever recorded: 3.9–4.3 s at 2.16 million events, 0.33–0.41 s with it
    /// (<c>communityai-ledger-bench epochs</c>). Queries using it name each type as a literal (as above).
    /// </summary>
    public static readonly Index LedgerEntries = new("mt_events_ledger_entries",
        $"(type, seq_id) WHERE type IN ({string.Join(", ", new[]
        {
            typeof(ValidatorsRewarded), typeof(RevenueSplit), typeof(ModelGainRewarded), typeof(DataValueRewarded),
            typeof(RewardAdjusted), typeof(AppealSettled), typeof(ModelGainReversed), typeof(DataValueReversed),
        }.Select(type => $"'{OutboxRoutes.EventTypeName(type)}'"))})");

    /// <summary>
    /// The ledger's rewards in history order: an epoch close sums everything up to a settled sequence before it takes the
    /// epoch gate and only the entries after it under the gate, and <see cref="CreditsByContributor"/>, keyed by
    /// contributor, would make that read pass over every reward ever recorded (the other entries come by
    /// <see cref="LedgerEntries"/>, keyed by type and sequence). Queries using it name the type as a literal (as above).
    /// </summary>
    public static readonly Index RewardsInOrder = new("mt_events_rewards_in_order",
        $"(seq_id) WHERE type = '{OutboxRoutes.EventTypeName(typeof(ContributionRewarded))}'");

    /// <summary>
    /// The ledger's epoch closings in history order: governance reads the newest for every voter page and proposal, and
    /// chain-bridge when the distributor fell behind. Without it each read passed over every event the history holds; one
    /// closing an epoch makes the index tiny. Queries using it name the type as a literal (as above).
    /// </summary>
    public static readonly Index EpochCloses = new("mt_events_epoch_closes",
        $"(seq_id) WHERE type = '{OutboxRoutes.EventTypeName(typeof(EpochClosed))}'");

    public static readonly IReadOnlyList<Index> All =
        [CreditsByContributor, PaymentsInOrder, SeedReveals, LedgerEntries, RewardsInOrder, EpochCloses];

    private const string Table = HistoryStoreExtensions.EventsSchema + ".mt_events";

    /// <summary>
    /// Creates every index missing, under one advisory lock so set-ups run side by side (replicas of a Job) do not race
    /// on the name. A plain build blocks appends while it runs: about a second a million events on two cores (0.4 s for
    /// 414,000), once, at the release that adds the index.
    /// </summary>
    public static async Task CreateAsync(NpgsqlDataSource owner, CancellationToken ct)
    {
        await using var connection = await owner.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await AdvisoryLock.TakeAsync(connection, ["history-indexes"], ct);
        foreach (var index in All)
        {
            await using var create = new NpgsqlCommand($"CREATE INDEX IF NOT EXISTS {index.Name} ON {Table} {index.Definition}", connection, transaction);
            await create.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }
}
