using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.Database;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// An epoch close sums every credit and debit the history holds (<see cref="CreditHistory.EntriesSql"/>) while it holds
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

        var close = await QueryPlans.GenericAsync(system.History, CreditHistory.EntriesSql, [.. Streams, ("@epoch", "bigint", "3")]);
        var first = await QueryPlans.GenericAsync(system.History, CreditHistory.FirstEpochSql, Streams);

        // Nine kinds of entry in the close (five credits, four debits), the five credits in the first epoch's read: each
        // part reads only its own type's rows from an index, none reads the events table and filters. The rewards come
        // through the appeals' index on rewards (HistoryIndexes.CreditsByContributor), which holds exactly them.
        AssertEachPartReadsItsTypeFromAnIndex(close, parts: 9);
        AssertEachPartReadsItsTypeFromAnIndex(first, parts: 5);
    }

    private static void AssertEachPartReadsItsTypeFromAnIndex(IReadOnlyList<string> plan, int parts)
    {
        var scans = plan.Where(line => line.Contains(" on mt_events", StringComparison.Ordinal)).ToList();
        Assert.Equal(parts, scans.Count);
        Assert.Single(scans, line => line.Contains(HistoryIndexes.CreditsByContributor.Name, StringComparison.Ordinal));
        Assert.All(scans.Where(line => !line.Contains(HistoryIndexes.CreditsByContributor.Name, StringComparison.Ordinal)),
            line => Assert.Contains($"Index Scan using {HistoryIndexes.LedgerEntries.Name} on", line, StringComparison.Ordinal));
        Assert.Equal(parts - 1, plan.Count(line => line.Contains("Index Cond: ((type)::text = '", StringComparison.Ordinal)));
    }
}
