using System.Globalization;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.Database;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// An epoch close sums every credit and debit the history holds (<see cref="CreditHistory.EntriesThroughSql"/>) while it holds
/// the epoch gate, so every credit waits for it. Each part of that sum reads a set-up index holding its type alone
/// (<see cref="HistoryIndexes.LedgerEntries"/>; the rewards <see cref="HistoryIndexes.CreditsByContributor"/>): without
/// them the close read every event of every service. What the close computes is tested through real closes in
/// <see cref="EpochClaimTests"/> and by <c>communityai-audit replay</c>.
/// </summary>
public sealed class EpochCloseIndexTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    private static readonly (string, string, string)[] Streams =
    [
        ("@streams", "text", $"'{CreditHistory.CreditStreamPrefix}'"), ("@revenueStreams", "text", $"'{CreditHistory.RevenueStreamPrefix}'"),
        ("@gainStreams", "text", $"'{CreditHistory.GainStreamPrefix}'"), ("@dataValueStreams", "text", $"'{CreditHistory.DataValueStreamPrefix}'"),
    ];

    [Fact]
    public async Task Every_part_of_an_epoch_closes_sum_reads_the_ledger_entries_index_even_as_a_generic_plan_and_a_service_start_keeps_it()
    {
        await HistoryIndexChecks.CreatedAndKeptAsync(system, HistoryIndexes.LedgerEntries);
        await HistoryIndexChecks.CreatedAndKeptAsync(system, HistoryIndexes.RewardsInOrder);

        var close = await QueryPlans.GenericAsync(system.History, CreditHistory.EntriesThroughSql,
            [.. Streams, ("@epoch", "bigint", "3"), ("@through", "bigint", long.MaxValue.ToString(CultureInfo.InvariantCulture))]);
        var recent = await QueryPlans.GenericAsync(system.History, CreditHistory.EntriesAfterSql, [.. Streams, ("@epoch", "bigint", "3"), ("@after", "bigint", "1")]);
        var first = await QueryPlans.GenericAsync(system.History, CreditHistory.FirstEpochSql, Streams);

        // Nine kinds of entry in the close (five credits, four debits), the five credits in the first epoch's read: each
        // part reads only its own type's rows from an index, none reads the events table and filters. The rewards come
        // through the appeals' index on rewards (HistoryIndexes.CreditsByContributor), which holds exactly them.
        AssertEachPartReadsItsTypeFromAnIndex(close, parts: 9);
        AssertEachPartReadsItsTypeFromAnIndex(first, parts: 5);

        // What the close reads under the gate, the entries after a settled sequence: each part reads its type's rows from
        // an index by sequence, so the gate is held for the entries of the last moments, not for the ledger's whole past.
        Assert.Equal(9, recent.Count(line => line.Contains(" on mt_events", StringComparison.Ordinal)));
        Assert.Equal(9, recent.Count(line => line.Contains("Index Cond:", StringComparison.Ordinal) && line.Contains("seq_id > $", StringComparison.Ordinal)));
    }

    // The rewards come from an index holding exactly them (by contributor, or in history order), each other part from
    // the ledger entries' index by its type.
    private static void AssertEachPartReadsItsTypeFromAnIndex(IReadOnlyList<string> plan, int parts)
    {
        string[] rewards = [HistoryIndexes.CreditsByContributor.Name, HistoryIndexes.RewardsInOrder.Name];
        var scans = plan.Where(line => line.Contains(" on mt_events", StringComparison.Ordinal)).ToList();
        Assert.Equal(parts, scans.Count);
        Assert.Single(scans, line => rewards.Any(name => line.Contains($"using {name} on", StringComparison.Ordinal)));
        Assert.All(scans.Where(line => !rewards.Any(name => line.Contains($"using {name} on", StringComparison.Ordinal))),
            line => Assert.Contains($"Index Scan using {HistoryIndexes.LedgerEntries.Name} on", line, StringComparison.Ordinal));
        Assert.Equal(parts - 1, plan.Count(line => line.Contains("Index Cond: (", StringComparison.Ordinal) && line.Contains("(type)::text = '", StringComparison.Ordinal)));
    }
}
